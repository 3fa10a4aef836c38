import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, resolve, sep } from 'node:path'
import { InvalidArgumentError, MissingFileError } from '../errors.js'
import type { FolderEntry, FolderSource } from '../sources/source.js'
import { fileSource, toSourceError } from './file-source.js'

/**
 * A local directory. Relative paths may not climb out of it; listings leave out special files and symbolic links
 * that lead back to the folder itself or an ancestor (so a recursive walk ends); open() refuses special files.
 */
export async function directorySource(path: string): Promise<FolderSource> {
  const root = resolve(path)
  try {
    const s = await stat(root)
    if (!s.isDirectory()) throw new InvalidArgumentError('path', root, 'a directory')
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error
    throw toSourceError(error, root)
  }
  const inside = (relative: string): string => {
    const full = resolve(root, relative.replace(/\\/g, '/'))
    if (full !== root && !full.startsWith(root + sep)) throw new InvalidArgumentError('path', relative, `a path inside ${root}`)
    return full
  }
  return {
    type: 'folder',
    name: basename(root),
    path: root,
    async list(subdir = ''): Promise<FolderEntry[]> {
      const dir = inside(subdir)
      let entries
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch (error) {
        throw toSourceError(error, dir)
      }
      const out: FolderEntry[] = []
      let here: string | undefined
      for (const e of entries) {
        // A symbolic link counts as what it points to; a dangling one is left out, and so is a link to this folder
        // or one of its ancestors (a cycle: walking it would never end). Pipes, devices and sockets are not listed.
        let kind: FolderEntry['kind'] | undefined = e.isDirectory() ? 'folder' : e.isFile() ? 'file' : undefined
        if (e.isSymbolicLink()) {
          const target = join(dir, e.name)
          kind = await stat(target).then((s) => (s.isDirectory() ? 'folder' : s.isFile() ? 'file' : undefined), () => undefined)
          if (kind === 'folder') {
            here ??= await realpath(dir)
            const real = await realpath(target).catch(() => undefined)
            if (real === undefined || here === real || here.startsWith(real.endsWith(sep) ? real : real + sep)) kind = undefined
          }
        }
        if (kind) out.push({ name: e.name, kind })
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    async exists(relative) {
      try {
        return (await stat(inside(relative))).isFile()
      } catch {
        return false
      }
    },
    async open(relative) {
      const full = inside(relative)
      try {
        return await fileSource(full)
      } catch (error) {
        if ((error as { code?: string }).code === 'SPIKES_MISSING_FILE') throw new MissingFileError(relative, root)
        throw error
      }
    },
    async close() {},
  }
}

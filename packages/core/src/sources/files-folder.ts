import { InvalidArgumentError, MissingFileError } from '../errors.js'
import { blobSource } from './bytes-source.js'
import type { FolderEntry, FolderSource } from './source.js'

/**
 * A folder over the Files of a directory pick (`<input type="file" webkitdirectory>`'s `files`, or any
 * File[] carrying `webkitRelativePath`), read in place with Blob.slice: nothing is copied. The common
 * top-level folder of the relative paths ("kilosort/spike_times.npy") is the folder itself; Files without a
 * relative path sit at its root under their names.
 */
export function filesFolder(files: Iterable<File> | ArrayLike<File>, name?: string): FolderSource {
  const list = files && typeof files === 'object' ? Array.from(files as ArrayLike<File>) : null
  if (!list || list.some((f) => typeof Blob === 'undefined' || !(f instanceof Blob))) throw new InvalidArgumentError('files', files, 'a FileList or an array of Files')
  const paths = list.map((f) => ((f as File).webkitRelativePath || f.name).replace(/\\/g, '/'))
  const tops = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : '')))
  const top = tops.size === 1 ? [...tops][0] : ''
  const map = new Map<string, File>()
  paths.forEach((p, i) => map.set(top ? p.slice(top.length + 1) : p, list[i]))
  const folderName = name ?? (top || 'files')
  return {
    type: 'folder',
    name: folderName,
    async list(subdir = '') {
      const prefix = trim(subdir) ? trim(subdir) + '/' : ''
      const seen = new Map<string, FolderEntry>()
      for (const [key, file] of map) {
        if (!key.startsWith(prefix)) continue
        const rest = key.slice(prefix.length)
        const slash = rest.indexOf('/')
        const entry = slash < 0 ? rest : rest.slice(0, slash)
        if (!seen.has(entry)) seen.set(entry, slash < 0 ? { name: entry, kind: 'file', size: file.size } : { name: entry, kind: 'folder' })
      }
      return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    async exists(path) {
      return map.has(trim(path))
    },
    async open(path) {
      const file = map.get(trim(path))
      if (!file) throw new MissingFileError(trim(path), folderName)
      return blobSource(file, trim(path))
    },
    async close() {},
  }
}

function trim(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '')
}

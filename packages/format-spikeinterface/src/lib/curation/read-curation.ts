import { InvalidArgumentError, MissingFileError, type ByteSource, type FolderSource } from '@spikes/core'
import { nodeImport } from '@spikes/core/loader-utils'
import { readJsonSource } from '../json-file.js'

/** True for a POSIX or Windows absolute path. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')
}

/**
 * Reads the curation JSON: a relative path inside the input folder (through the folder source, so it
 * works on every kind of folder), or, on Node, an absolute path or a path relative to a file input's folder.
 */
export async function readCurationJson(path: string, folder: FolderSource | undefined, inputPath: string | undefined): Promise<unknown> {
  if (!isAbsolutePath(path) && folder) {
    if (!(await folder.exists(path))) throw new MissingFileError(path, folder.path ?? folder.name, 'The curation option names a curation JSON (SortingView or SpikeInterface format) relative to the input folder (or an absolute path).', 'spikeinterface')
    const source = await folder.open(path)
    return readClosing(source, path)
  }
  let resolved = path
  if (!isAbsolutePath(path)) {
    if (!inputPath) throw new InvalidArgumentError('curation', path, 'an absolute path: this input has no folder to resolve a relative path against')
    const { dirname, resolve } = await nodeImport<typeof import('node:path')>('node:path')
    resolved = resolve(dirname(inputPath), path)
  }
  let source: ByteSource
  try {
    const { fileSource } = await nodeImport<{ fileSource(path: string): Promise<ByteSource> }>('@spikes/core/node')
    source = await fileSource(resolved)
  } catch (error) {
    if ((error as { code?: string })?.code?.startsWith?.('SPIKES_')) {
      throw new MissingFileError(resolved, '', 'The curation option names a curation JSON (SortingView or SpikeInterface format): check the path.', 'spikeinterface')
    }
    throw new InvalidArgumentError('curation', path, 'a path inside the input folder: absolute paths are read only on Node', { cause: error })
  }
  return readClosing(source, path)
}

async function readClosing(source: ByteSource, file: string): Promise<unknown> {
  try {
    return await readJsonSource(source, file)
  } finally {
    await source.close()
  }
}

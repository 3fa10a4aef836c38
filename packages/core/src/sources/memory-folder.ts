import { InvalidArgumentError } from '../errors.js'
import { bytesSource } from './bytes-source.js'
import { folderOverMap, normalizeFolderPath } from './map-folder.js'
import type { FolderSource } from './source.js'

/** A folder held in memory: { 'spike_times.npy': bytes, 'sub/x.tsv': 'text' }. */
export function memoryFolder(files: Record<string, Uint8Array | ArrayBuffer | string>, name = 'memory'): FolderSource {
  if (!files || typeof files !== 'object') throw new InvalidArgumentError('files', files, 'an object mapping relative paths to bytes or text')
  const map = new Map<string, Uint8Array>()
  for (const [path, content] of Object.entries(files)) {
    map.set(normalizeFolderPath(path), typeof content === 'string' ? new TextEncoder().encode(content) : content instanceof Uint8Array ? content : new Uint8Array(content))
  }
  return folderOverMap(map, name, (bytes, path) => bytesSource(bytes, path))
}

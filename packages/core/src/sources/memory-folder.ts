import { InvalidArgumentError, MissingFileError } from '../errors.js'
import { bytesSource } from './bytes-source.js'
import type { FolderEntry, FolderSource } from './source.js'

/** A folder held in memory: { 'spike_times.npy': bytes, 'sub/x.tsv': 'text' }. */
export function memoryFolder(files: Record<string, Uint8Array | ArrayBuffer | string>, name = 'memory'): FolderSource {
  if (!files || typeof files !== 'object') throw new InvalidArgumentError('files', files, 'an object mapping relative paths to bytes or text')
  const map = new Map<string, Uint8Array>()
  for (const [path, content] of Object.entries(files)) {
    const key = normalize(path)
    map.set(key, typeof content === 'string' ? new TextEncoder().encode(content) : content instanceof Uint8Array ? content : new Uint8Array(content))
  }
  return {
    type: 'folder',
    name,
    async list(subdir = '') {
      const prefix = normalize(subdir) ? normalize(subdir) + '/' : ''
      const seen = new Map<string, FolderEntry>()
      for (const [key, bytes] of map) {
        if (!key.startsWith(prefix)) continue
        const rest = key.slice(prefix.length)
        const slash = rest.indexOf('/')
        const entryName = slash < 0 ? rest : rest.slice(0, slash)
        if (!seen.has(entryName)) seen.set(entryName, slash < 0 ? { name: entryName, kind: 'file', size: bytes.length } : { name: entryName, kind: 'folder' })
      }
      return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    async exists(path) {
      return map.has(normalize(path))
    },
    async open(path) {
      const bytes = map.get(normalize(path))
      if (!bytes) throw new MissingFileError(normalize(path), name)
      return bytesSource(bytes, normalize(path))
    },
    async close() {},
  }
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '')
}

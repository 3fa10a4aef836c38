import { MissingFileError } from '../errors.js'
import type { ByteSource, FolderEntry, FolderSource } from './source.js'

/** A FolderSource over files keyed by normalized relative path; `open` makes the source of one. */
export function folderOverMap<T extends { byteLength: number } | { size: number }>(map: Map<string, T>, name: string, open: (file: T, path: string) => ByteSource): FolderSource {
  return {
    type: 'folder',
    name,
    async list(subdir = '') {
      const prefix = normalizeFolderPath(subdir) ? normalizeFolderPath(subdir) + '/' : ''
      const seen = new Map<string, FolderEntry>()
      for (const [key, file] of map) {
        if (!key.startsWith(prefix)) continue
        const rest = key.slice(prefix.length)
        const slash = rest.indexOf('/')
        const entryName = slash < 0 ? rest : rest.slice(0, slash)
        const size = 'size' in file ? file.size : file.byteLength
        if (!seen.has(entryName)) seen.set(entryName, slash < 0 ? { name: entryName, kind: 'file', size } : { name: entryName, kind: 'folder' })
      }
      return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    async exists(path) {
      return map.has(normalizeFolderPath(path))
    },
    async open(path) {
      const file = map.get(normalizeFolderPath(path))
      if (!file) throw new MissingFileError(normalizeFolderPath(path), name)
      return open(file, normalizeFolderPath(path))
    },
    async close() {},
  }
}

export function normalizeFolderPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '')
}

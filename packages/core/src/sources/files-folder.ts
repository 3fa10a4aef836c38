import { InvalidArgumentError } from '../errors.js'
import { blobSource } from './bytes-source.js'
import { folderOverMap } from './map-folder.js'
import type { FolderSource } from './source.js'

/**
 * A folder over the Files of a directory pick (`<input type="file" webkitdirectory>`'s `files`, or any
 * File[] carrying `webkitRelativePath`), read in place with Blob.slice: nothing is copied. The common
 * top-level folder of the relative paths ("kilosort/spike_times.npy") is the folder itself; Files without a
 * relative path sit at its root under their names.
 */
export function filesFolder(files: Iterable<File> | ArrayLike<File>, name?: string): FolderSource {
  const list = files && typeof files === 'object' ? Array.from(files as ArrayLike<File>) : null
  if (!list || list.some((f) => typeof Blob === 'undefined' || !(f instanceof Blob))) throw new InvalidArgumentError('files', files, 'a FileList or an array of Files')
  const paths = list.map((f) => (f.webkitRelativePath || f.name).replace(/\\/g, '/'))
  const tops = new Set(paths.map((p) => p.slice(0, Math.max(0, p.indexOf('/')))))
  const top = tops.size === 1 ? [...tops][0] : ''
  const map = new Map(paths.map((p, i) => [top ? p.slice(top.length + 1) : p, list[i]]))
  return folderOverMap(map, name ?? (top || 'files'), (file, path) => blobSource(file, path))
}

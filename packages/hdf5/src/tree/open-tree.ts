import type { ByteSource } from '@spikes/core'
import type { ReadBytes } from '../chunks/fast-read.js'
import { Hdf5TreeFile, type OpenTreeOptions } from './tree-file.js'

/** Reads of a ByteSource as ReadBytes (in place when the source can and a buffer is given). */
export function sourceReader(source: ByteSource): ReadBytes {
  return async (offset, length, into) => {
    if (into && source.readInto && into.length >= length) {
      const target = into.subarray(0, length)
      const n = await source.readInto(offset, target)
      return target.subarray(0, n)
    }
    return source.read(offset, length)
  }
}

/** Opens any ByteSource (local file, Blob, HTTP Range source) with the tree reader (see Hdf5TreeFile.open). */
export async function openTree(source: ByteSource, options: Omit<OpenTreeOptions, 'name' | 'signatureAt'> & { name?: string } = {}): Promise<Hdf5TreeFile> {
  const size = await source.size()
  const read = sourceReader(source)
  return Hdf5TreeFile.open(read, size, { ...options, name: options.name ?? source.name })
}

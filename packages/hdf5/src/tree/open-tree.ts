import type { ByteSource } from '@spikes/core'
import type { ReadBytes } from '../chunks/fast-read.js'
import { findHdf5Signature, signatureOffsets } from '../signature.js'
import { TreeUnsupported } from './signals.js'
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

/** Opens any ByteSource (local file, Blob, HTTP Range source) with the tree reader; the signature is looked for where HDF5 puts it. */
export async function openTree(source: ByteSource, options: Omit<OpenTreeOptions, 'name' | 'signatureAt'> & { name?: string } = {}): Promise<Hdf5TreeFile> {
  const size = await source.size()
  const read = sourceReader(source)
  let signatureAt = -1
  for (const offset of signatureOffsets(size)) {
    const head = await read(offset, 8)
    if (head.length === 8 && findHdf5Signature(head) === 0) {
      signatureAt = offset
      break
    }
  }
  if (signatureAt < 0) throw new TreeUnsupported('a file without an HDF5 signature')
  return Hdf5TreeFile.open(read, size, { ...options, name: options.name ?? source.name, signatureAt })
}

import { InvalidArgumentError } from '../errors.js'
import { checkRange } from './read-helpers.js'
import type { ByteSource } from './source.js'

/** A source over bytes already in memory; reads are zero-copy views. */
export function bytesSource(data: Uint8Array | ArrayBuffer, name = 'bytes'): ByteSource {
  const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null
  if (!bytes) throw new InvalidArgumentError('data', data, 'a Uint8Array or ArrayBuffer')
  return {
    type: 'file',
    name,
    size: async () => bytes.length,
    read: async (offset, length) => {
      checkRange(offset, length)
      return bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length))
    },
    close: async () => {},
  }
}

/** A source over a Blob or File (browsers, and Node 20's Blob). */
export function blobSource(blob: Blob, name?: string): ByteSource {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) throw new InvalidArgumentError('blob', blob, 'a Blob or File')
  return {
    type: 'file',
    name: name ?? (blob as File).name ?? 'blob',
    blob,
    size: async () => blob.size,
    read: async (offset, length) => {
      checkRange(offset, length)
      return new Uint8Array(await blob.slice(offset, Math.min(offset + length, blob.size)).arrayBuffer())
    },
    close: async () => {},
  }
}

import { concatBytes } from '@spikes/core/loader-utils'
import { Unzlib } from 'fflate'
import { HEADER_BYTES, matHeaderKind } from './read-mat.js'
import { bytesOf, MI, readName, readTag } from './v5-elements.js'

/** Enough inflated bytes for the first array's flags, dimensions and name. */
const WANT = 512

/**
 * The name of a Level 5 file's first variable, from the first bytes of the file alone (detection): the
 * first element is inflated only as far as its name. Undefined when the bytes do not tell.
 */
export function peekMatVariableName(head: Uint8Array): string | undefined {
  const kind = matHeaderKind(head)
  if (kind?.kind !== 'v5' || head.length < HEADER_BYTES + 8) return undefined
  try {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
    const type = view.getUint32(HEADER_BYTES, kind.little)
    const length = view.getUint32(HEADER_BYTES + 4, kind.little)
    let element: Uint8Array
    if (type === MI.COMPRESSED) {
      const compressed = head.subarray(HEADER_BYTES + 8, Math.min(head.length, HEADER_BYTES + 8 + length))
      element = inflateStart(compressed)
    } else if (type === MI.MATRIX) {
      element = head.subarray(HEADER_BYTES, Math.min(head.length, HEADER_BYTES + 8 + length))
    } else return undefined
    const b = bytesOf(element, kind.little, 'head')
    const matrix = readTag(b, 0, Number.MAX_SAFE_INTEGER)
    if (matrix.type !== MI.MATRIX) return undefined
    const flags = readTag(b, matrix.start, element.length)
    const dims = readTag(b, flags.next, element.length)
    const name = readTag(b, dims.next, element.length)
    return readName(b, name) || undefined
  } catch {
    return undefined
  }
}

function inflateStart(compressed: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = []
  let total = 0
  const stream = new Unzlib()
  stream.ondata = (chunk: Uint8Array) => {
    parts.push(chunk)
    total += chunk.length
  }
  for (let at = 0; at < compressed.length && total < WANT; at += 1024) stream.push(compressed.subarray(at, Math.min(compressed.length, at + 1024)), false)
  return concatBytes(parts, total)
}

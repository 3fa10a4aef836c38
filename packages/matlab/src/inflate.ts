import { isSpikesError } from '@spikes/core'
import { Unzlib } from 'fflate'
import { corruptMat } from './errors.js'

/** Compressed input is fed in pieces this big: deflate expands at most ~1032:1, so one push yields at most ~66 MiB. */
const PIECE = 64 * 1024
/** Deflate cannot expand data more than ~1032-fold; an element tag claiming more than this × its stream is corrupt. */
const DEFLATE_MAX_RATIO = 1100
/** Bytes of the data element tag that starts every inflated element. */
const TAG_BYTES = 8

/** Where a compressed element sits, and what to throw when its claimed size is beyond the budget left. */
export interface InflateTarget {
  file: string
  offset: number
  little: boolean
  /** Bytes the budget still allows. */
  budget: number
  overBudget: (claimed: number) => Error
}

/**
 * The bytes of a top-level miCOMPRESSED element's zlib stream. The inflated bytes start with the tag of the one
 * element they hold, so their size is known after the first 8 bytes: a size beyond the budget, or beyond what
 * deflate can expand the stream to, is refused before the output is allocated; the output is one allocation
 * of that size, and a stream that inflates to more (or less) than its tag claims is corrupt.
 */
export function inflateElement(data: Uint8Array, target: InflateTarget): Uint8Array {
  const { file, offset } = target
  let head: Uint8Array = new Uint8Array(0)
  let out: Uint8Array | undefined
  let at = 0
  let ended = false
  const stream = new Unzlib()
  stream.ondata = (chunk: Uint8Array, final: boolean) => {
    if (!out) {
      head = joined(head, chunk)
      if (head.length < TAG_BYTES && !final) return
      out = new Uint8Array(claimedSize(head, data.length, target))
      chunk = head
    }
    if (at + chunk.length > out.length) throw corruptMat(file, `the compressed element at byte ${offset} inflates to more than the ${out.length} bytes its element tag claims.`, { offset, claimed: out.length })
    out.set(chunk, at)
    at += chunk.length
    if (final) ended = true
  }
  try {
    for (let p = 0; p < data.length; p += PIECE) stream.push(data.subarray(p, Math.min(data.length, p + PIECE)), p + PIECE >= data.length)
    if (data.length === 0) stream.push(data, true)
  } catch (error) {
    if (isSpikesError(error)) throw error
    throw corruptMat(file, `the compressed element at byte ${offset} does not inflate: ${String((error as Error)?.message ?? error).slice(0, 200)}.`, { offset })
  }
  if (!ended || !out) throw corruptMat(file, `the compressed element at byte ${offset} ends before its zlib stream does.`, { offset })
  const expected = tagSize(head, target.little)
  if (at < expected) throw corruptMat(file, `the compressed element at byte ${offset} inflates to ${at} bytes, but its element tag claims ${expected}.`, { offset, claimed: expected, actual: at })
  return out.subarray(0, at)
}

/** 8 + the size in the element's tag (a small-format tag: 8); at most `min(budget, ratio × stream)`. */
function claimedSize(head: Uint8Array, compressed: number, target: InflateTarget): number {
  if (head.length < TAG_BYTES) throw corruptMat(target.file, `the compressed element at byte ${target.offset} inflates to ${head.length} bytes, too few for a data element tag.`, { offset: target.offset })
  const size = tagSize(head, target.little)
  // Writers may pad the element to 8 bytes inside the stream too.
  const padded = TAG_BYTES + Math.ceil((size - TAG_BYTES) / 8) * 8
  if (padded > compressed * DEFLATE_MAX_RATIO + PIECE) {
    throw corruptMat(target.file, `the compressed element at byte ${target.offset} claims ${size} bytes from a ${compressed}-byte zlib stream, more than deflate can expand to.`, { offset: target.offset, claimed: size, compressed })
  }
  if (padded > target.budget) throw target.overBudget(padded)
  return padded
}

function tagSize(head: Uint8Array, little: boolean): number {
  const view = new DataView(head.buffer, head.byteOffset, TAG_BYTES)
  const word = view.getUint32(0, little)
  if (word >>> 16 !== 0) return TAG_BYTES
  return TAG_BYTES + view.getUint32(4, little)
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

import { isSpikesError } from '@spikes/core'
import { concatBytes } from '@spikes/core/loader-utils'
import { Gunzip, Unzlib } from 'fflate'
import { corrupt } from './chunk-error.js'
import type { ChunkContext } from './codecs.js'

/** Compressed bytes handed to the inflater at once: deflate expands at most ~1032:1, so one step yields at most ~16 MiB. */
const INFLATE_STEP = 16 * 1024

/**
 * zlib / gzip (the platform's DecompressionStream when there is one, else fflate's streaming inflater), fed INFLATE_STEP compressed bytes at a time and stopped as soon
 * as the output would pass `expected` (so a bomb costs at most `expected` plus one step). With `exact` the output is
 * written into one allocation of `expected` bytes; with `exact` false, `expected` is only a bound and the output is
 * whatever the stream holds up to it.
 */
export async function inflate(data: Uint8Array, id: 'zlib' | 'gzip', expected: number, ctx: ChunkContext, exact = true, tooLarge?: (size: number) => Error): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'function') return inflateNative(data, id, expected, ctx, exact, tooLarge)
  return inflateFflate(data, id, expected, ctx, exact, tooLarge)
}

function overflow(ctx: ChunkContext, id: string, expected: number, grew: number, exact: boolean, tooLarge?: (size: number) => Error): Error {
  return (exact ? undefined : tooLarge?.(grew)) ?? corrupt(ctx, id, exact ? `it inflates to more than the ${expected} bytes of the chunk's shape (stopped at ${grew})` : `it inflates to more than the ${expected} bytes allowed for one chunk (stopped at ${grew})`, { expected, actual: grew })
}

/**
 * The platform's DecompressionStream (native speed in Node and browsers), fed INFLATE_STEP bytes at a time with
 * backpressure and cancelled as soon as the output would pass `expected`.
 */
async function inflateNative(data: Uint8Array, id: 'zlib' | 'gzip', expected: number, ctx: ChunkContext, exact: boolean, tooLarge?: (size: number) => Error): Promise<Uint8Array> {
  const stream = new DecompressionStream(id === 'zlib' ? 'deflate' : 'gzip')
  const writer = stream.writable.getWriter()
  const reader = stream.readable.getReader()
  let stopped = false
  const pump = (async () => {
    for (let p = 0; p < data.length && !stopped; p += INFLATE_STEP) await writer.write(data.subarray(p, p + INFLATE_STEP) as Uint8Array<ArrayBuffer>)
    if (!stopped) await writer.close()
  })()
  pump.catch(() => {})
  const out = exact ? new Uint8Array(expected) : undefined
  const parts: Uint8Array[] = []
  let at = 0
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch (error) {
        throw corrupt(ctx, id, String(error instanceof Error ? error.message : error).slice(0, 200), { expected, actual: at }, error)
      }
      if (result.done) break
      const chunk = result.value
      if (at + chunk.length > expected) throw overflow(ctx, id, expected, at + chunk.length, exact, tooLarge)
      if (out) out.set(chunk, at)
      else parts.push(chunk)
      at += chunk.length
    }
  } catch (error) {
    stopped = true
    await reader.cancel().catch(() => {})
    await writer.abort().catch(() => {})
    throw error
  }
  if (exact && at !== expected) throw corrupt(ctx, id, `it inflates to ${at} bytes, the chunk's shape needs ${expected}`, { expected, actual: at })
  return out ?? concatBytes(parts, at)
}

function inflateFflate(data: Uint8Array, id: 'zlib' | 'gzip', expected: number, ctx: ChunkContext, exact = true, tooLarge?: (size: number) => Error): Uint8Array {
  const out = exact ? new Uint8Array(expected) : undefined
  const parts: Uint8Array[] = []
  let at = 0
  let ended = false
  const stream = id === 'zlib' ? new Unzlib() : new Gunzip()
  stream.ondata = (chunk: Uint8Array, final: boolean) => {
    if (at + chunk.length > expected) throw overflow(ctx, id, expected, at + chunk.length, exact, tooLarge)
    if (out) out.set(chunk, at)
    else parts.push(chunk)
    at += chunk.length
    if (final) ended = true
  }
  try {
    for (let p = 0; p < data.length || p === 0; p += INFLATE_STEP) {
      const end = Math.min(data.length, p + INFLATE_STEP)
      stream.push(data.subarray(p, end), end >= data.length)
      if (end >= data.length) break
    }
  } catch (error) {
    if (isSpikesError(error)) throw error
    throw corrupt(ctx, id, String(error instanceof Error ? error.message : error).slice(0, 200), { expected, actual: at }, error)
  }
  if (!ended || (exact && at !== expected)) throw corrupt(ctx, id, exact ? `it inflates to ${at} bytes, the chunk's shape needs ${expected}` : `the stream ends after ${at} bytes without its end marker`, { expected, actual: at })
  return out ?? concatBytes(parts, at)
}


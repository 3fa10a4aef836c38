// Raw DEFLATE of one zip member, streamed: the platform's DecompressionStream when there is one, else fflate.
import { CorruptFileError, isSpikesError, throwIfAborted, type ByteSource } from '@spikes/core'
import { Inflate } from 'fflate'
import type { ZipEntry } from './zip.js'

const COMPRESSED_CHUNK = 1024 * 1024
/** Compressed bytes handed to the inflater at once: deflate expands at most ~1032:1, so one step yields at most ~16 MiB. */
const INFLATE_STEP = 16 * 1024

/** Which inflater to use: the platform's DecompressionStream when there is one (native speed), else fflate. */
export type InflateImplementation = 'native' | 'fflate'
let inflateImplementation: InflateImplementation = typeof DecompressionStream === 'function' ? 'native' : 'fflate'

/** For tests and odd platforms: force one inflater. Returns the previous choice. */
export function setInflateImplementation(impl: InflateImplementation): InflateImplementation {
  const previous = inflateImplementation
  inflateImplementation = impl
  return previous
}

/** Feeds the inflated bytes of a member to `sink` in order; `sink` returns false to stop early. */
export async function inflateRaw(source: ByteSource, e: ZipEntry, start: number, label: string, sink: (chunk: Uint8Array) => boolean, signal?: AbortSignal): Promise<void> {
  const damaged = (error: unknown): CorruptFileError => new CorruptFileError(`${label}: the deflate stream is damaged (${(error as Error)?.message ?? error}).`, { file: label })
  async function* compressed(): AsyncGenerator<Uint8Array> {
    for (let done = 0; done < e.compressedSize; ) {
      throwIfAborted(signal, `Reading ${label}`)
      const bytes = await source.read(start + done, Math.min(COMPRESSED_CHUNK, e.compressedSize - done))
      if (bytes.length === 0) return
      done += bytes.length
      yield bytes
    }
  }
  if (inflateImplementation === 'native') await inflateNative(compressed(), sink, damaged)
  else await inflateFflate(compressed(), e.compressedSize, sink, damaged)
}

type Damaged = (error: unknown) => CorruptFileError

async function inflateNative(compressed: AsyncGenerator<Uint8Array>, sink: (chunk: Uint8Array) => boolean, damaged: Damaged): Promise<void> {
  const stream = new DecompressionStream('deflate-raw')
  const writer = stream.writable.getWriter()
  const reader = stream.readable.getReader()
  let stopped = false
  const pump = (async () => {
    try {
      for await (const bytes of compressed) {
        for (let p = 0; p < bytes.length; p += INFLATE_STEP) {
          if (stopped) return
          await writer.write(bytes.subarray(p, p + INFLATE_STEP) as Uint8Array<ArrayBuffer>)
        }
      }
      if (!stopped) await writer.close()
    } catch (error) {
      if (stopped) return
      // Error the stream so the reader below wakes up instead of waiting for data forever.
      await writer.abort(error).catch(() => {})
      throw error
    }
  })()
  // The pump's own failure (a read error, an abort) surfaces below; avoid an unhandled rejection meanwhile.
  pump.catch(() => {})
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch (error) {
        // A failed read or an abort in the pump errors the stream too: report the cause, not the symptom.
        const pumpError = await pump.then(
          () => undefined,
          (reason: unknown) => reason,
        )
        throw isSpikesError(pumpError) ? pumpError : damaged(error)
      }
      if (result.done) break
      if (result.value.length && !sink(result.value)) {
        stopped = true
        await reader.cancel().catch(() => {})
        break
      }
    }
  } catch (error) {
    stopped = true
    await reader.cancel().catch(() => {})
    throw error
  }
  await pump
}

async function inflateFflate(compressed: AsyncGenerator<Uint8Array>, compressedSize: number, sink: (chunk: Uint8Array) => boolean, damaged: Damaged): Promise<void> {
  let stop = false
  let failure: unknown
  const inflater = new Inflate((chunk) => {
    if (stop || chunk.length === 0) return
    try {
      if (!sink(chunk)) stop = true
    } catch (error) {
      failure = error
      stop = true
    }
  })
  let done = 0
  outer: for await (const bytes of compressed) {
    for (let p = 0; p < bytes.length; p += INFLATE_STEP) {
      if (stop) break outer
      const end = Math.min(bytes.length, p + INFLATE_STEP)
      try {
        inflater.push(bytes.subarray(p, end), done + end >= compressedSize)
      } catch (error) {
        if (failure) break outer
        throw damaged(error)
      }
    }
    done += bytes.length
  }
  if (failure) throw failure
}

import type { ReadBytes } from '../chunks/fast-read.js'
import { LayoutUnreadable, type ReadAt } from '../layout/raw-file.js'
import { NeedBytes, TreeUnsupported } from './signals.js'

/** Bytes of one cached block: one HTTP Range request fetches at least this much. */
export const BLOCK_BYTES = 64 * 1024
/** Reads of one round in flight at once. */
const IN_FLIGHT = 16
/** Bytes of metadata blocks kept at most: more means a hostile or unusual file (h5wasm then reads it). */
const MAX_CACHED_BYTES = 256 * 1024 * 1024

/** Requests made and bytes read through the cache (metadata and preloaded values). */
export interface CacheStats {
  requests: number
  bytes: number
  /** Rounds of metadata fetching (each a batch of reads in flight together); not counted for data reads. */
  rounds?: number
}

/**
 * The file's bytes in 64 KiB blocks, read synchronously by the layout parsers: a miss throws NeedBytes naming
 * every missing block of the read, and `fetch` loads them (runs of consecutive blocks as one read each, all at
 * once). A parse that failed on a miss is simply run again.
 */
export class BlockCache {
  readonly stats: CacheStats = { requests: 0, bytes: 0, rounds: 0 }
  readonly #blocks = new Map<number, Uint8Array>()
  #cached = 0

  constructor(
    readonly source: ReadBytes,
    readonly size: number,
  ) {}

  /** `length` bytes at `offset` (fewer at the end of the file), or NeedBytes. */
  readonly read: ReadAt = (offset, length) => {
    if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0)) throw new LayoutUnreadable(`bytes ${offset}+${length}`)
    const end = Math.min(offset + length, this.size)
    if (end <= offset) return new Uint8Array(0)
    const first = Math.floor(offset / BLOCK_BYTES)
    const last = Math.floor((end - 1) / BLOCK_BYTES)
    const missing: number[] = []
    for (let b = first; b <= last; b++) if (!this.#blocks.has(b)) missing.push(b)
    if (missing.length) throw new NeedBytes(missing)
    if (first === last) {
      const block = this.#blocks.get(first)!
      return block.subarray(offset - first * BLOCK_BYTES, end - first * BLOCK_BYTES)
    }
    const out = new Uint8Array(end - offset)
    for (let b = first; b <= last; b++) {
      const block = this.#blocks.get(b)!
      const from = Math.max(offset, b * BLOCK_BYTES)
      const to = Math.min(end, (b + 1) * BLOCK_BYTES)
      out.set(block.subarray(from - b * BLOCK_BYTES, to - b * BLOCK_BYTES), from - offset)
    }
    return out
  }

  /**
   * Loads the blocks (deduplicated): runs of blocks at most one block apart as one read (the gap is read too),
   * up to 16 reads in flight at once.
   */
  async fetch(blocks: readonly number[]): Promise<void> {
    const wanted = [...new Set(blocks)].filter((b) => !this.#blocks.has(b)).sort((a, b) => a - b)
    if (!wanted.length) return
    const runs: [number, number][] = []
    for (const b of wanted) {
      const run = runs[runs.length - 1]
      if (run && b - run[1] <= 2) run[1] = b
      else runs.push([b, b])
    }
    this.stats.rounds!++
    const bytes = runs.reduce((n, [from, to]) => n + (to - from + 1) * BLOCK_BYTES, 0)
    if (this.#cached + bytes > MAX_CACHED_BYTES) throw new TreeUnsupported(`more than ${MAX_CACHED_BYTES >> 20} MiB of metadata`)
    this.#cached += bytes
    let next = 0
    const lane = async () => {
      while (next < runs.length) await this.#load(...runs[next++])
    }
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, runs.length) }, lane))
  }

  async #load(from: number, to: number): Promise<void> {
    const offset = from * BLOCK_BYTES
    const length = Math.min((to + 1) * BLOCK_BYTES, this.size) - offset
    const data = await this.source(offset, length)
    this.stats.requests++
    this.stats.bytes += data.length
    if (data.length < length) throw new LayoutUnreadable(`the file ends before ${offset + length}`)
    for (let b = from; b <= to; b++) if (!this.#blocks.has(b)) this.#blocks.set(b, data.subarray((b - from) * BLOCK_BYTES, Math.min((b - from + 1) * BLOCK_BYTES, data.length)))
  }
}

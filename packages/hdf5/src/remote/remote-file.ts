import { AbortedError, CorruptFileError, InvalidArgumentError, NetworkError, baseName, type ByteSource, type TransferStats } from '@spikes/core'
import { redact } from '@spikes/remote'
import { openRangeTransport, type RangeTransport } from './range-transport.js'
import type { SyncHttpOptions } from './sync-http.js'

/** Options of RemoteFile.open: HTTP behaviour (SyncHttpOptions), cache sizes in bytes, abort and progress. Invalid sizes throw InvalidArgumentError. */
export interface RemoteFileOptions extends SyncHttpOptions {
  /** Name for messages (default: the URL's last path segment). */
  name?: string
  /** Cache granularity in bytes, at least 512 (default 64 KiB). */
  blockSize?: number
  /** Bytes fetched by the first request, from offset 0 (default 512 KiB): superblock and root metadata. */
  firstReadBytes?: number
  /** Readahead grows from blockSize, doubling on sequential reads, up to this (default 8 MiB). */
  maxReadaheadBytes?: number
  /** Requests larger than this are split and fetched concurrently (default 8 MiB). */
  maxRequestBytes?: number
  /** Cached gaps up to this many bytes between two missing runs are fetched again to save a request (default 256 KiB). */
  bridgeBytes?: number
  /** Most bytes kept in the block cache, least recently used dropped first (default 64 MiB). */
  cacheBytes?: number
  /** Checked before every request; an abort fails the read with AbortedError. */
  signal?: AbortSignal
  /** Called after every batch of requests with the running totals. */
  onTransfer?: (stats: RemoteTransferStats) => void
}

/** Running transfer counters of a RemoteFile (`stats`); `requests` and `bytes` count HTTP requests and bytes received. */
export interface RemoteTransferStats extends TransferStats {
  /** Requests that were retries (429, 5xx, dropped or short bodies). */
  retried: number
  /** Bytes the consumer asked for (cache hits included). */
  requested: number
  /** Size of the remote file. */
  size: number
}

/**
 * An HTTP(S) file read with Range requests that can be read synchronously (readSync blocks: on a worker
 * thread under Node, on synchronous XHR in a browser's Web Worker), so h5wasm can use it as a file. Block
 * cache (LRU), coalescing of adjacent missing blocks, readahead that doubles on sequential access, transfer
 * counters. Node, and browsers inside a Web Worker (open() on a page's main thread throws UnsupportedError).
 *
 * Errors from synchronous reads are also kept on `lastError`: h5wasm only sees an I/O error, and callers
 * rethrow this typed error (NetworkError, AbortedError) instead of HDF5's message.
 */
export class RemoteFile implements ByteSource {
  readonly type = 'file' as const
  readonly name: string
  readonly url: string
  readonly stats: RemoteTransferStats
  /** The error of the last failed read (NetworkError, AbortedError, CorruptFileError...), kept because h5wasm only sees an I/O error; null until a read fails. */
  lastError: Error | null = null
  /** Replaceable between loads: the signal checked before each request. */
  signal: AbortSignal | undefined
  /** Replaceable between loads: called after every batch of requests with `stats` (the same, updated object). */
  onTransfer: ((stats: RemoteTransferStats) => void) | undefined

  private readonly blockSize: number
  private readonly maxReadahead: number
  private readonly maxRequest: number
  private readonly bridge: number
  private readonly cacheBytes: number
  private readonly blocks = new Map<number, Uint8Array>()
  private cached = 0
  private readahead: number
  private lastEnd = -1
  private closed = false

  private constructor(
    private readonly http: RangeTransport,
    url: string,
    readonly totalSize: number,
    options: RemoteFileOptions,
  ) {
    this.url = url
    this.name = options.name ?? (baseName(redact(url)) || 'remote.h5')
    this.blockSize = options.blockSize ?? 64 * 1024
    this.maxReadahead = options.maxReadaheadBytes ?? 8 * 1024 * 1024
    this.maxRequest = options.maxRequestBytes ?? 8 * 1024 * 1024
    this.bridge = options.bridgeBytes ?? 256 * 1024
    this.cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024
    this.readahead = this.blockSize
    this.signal = options.signal
    this.onTransfer = options.onTransfer
    this.stats = { requests: 0, bytes: 0, retried: 0, requested: 0, size: totalSize }
  }

  /**
   * Opens `url`: one Range request for the first bytes, which also gives the size. A server that ignores
   * Range fails here with NetworkError details.rangeUnsupported = true (download the file instead).
   */
  static async open(url: string, options: RemoteFileOptions = {}): Promise<RemoteFile> {
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new InvalidArgumentError('url', url, 'an http(s) URL')
    const blockSize = options.blockSize ?? 64 * 1024
    if (!(Number.isSafeInteger(blockSize) && blockSize >= 512)) throw new InvalidArgumentError('blockSize', blockSize, 'a whole number of bytes >= 512')
    if (options.size !== undefined && !(Number.isSafeInteger(options.size) && options.size > 0)) throw new InvalidArgumentError('size', options.size, 'the file size in bytes (> 0)')
    for (const key of ['firstReadBytes', 'maxReadaheadBytes', 'maxRequestBytes', 'cacheBytes', 'bridgeBytes'] as const) {
      const v = options[key]
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new InvalidArgumentError(key, v, 'a whole number of bytes')
    }
    if (options.signal?.aborted) throw new AbortedError(`Opening ${redact(url)}`)
    const http = await openRangeTransport(url, options)
    const first = Math.max(blockSize, Math.ceil((options.firstReadBytes ?? 512 * 1024) / blockSize) * blockSize)
    try {
      const batch = http.fetchRanges([[0, first - 1]], options.signal)
      const part = batch.parts[0]
      if (part && options.size !== undefined && part.total >= 0 && part.total !== options.size) throw new CorruptFileError(`${redact(url)} has ${part.total} bytes, but ${options.size} were expected (the archive's record of the file).`, { url: redact(url), expected: options.size, actual: part.total })
      const total = part && part.total >= 0 ? part.total : options.size
      if (!part || total === undefined) throw new NetworkError(`${redact(url)} did not report its size in Content-Range (pass the size when it is known).`, { url: redact(url) })
      const file = new RemoteFile(http, url, total, options)
      file.account(batch.requests, batch.retried, part.bytes.length)
      file.store(0, part.bytes)
      file.lastEnd = 0
      return file
    } catch (error) {
      http.close()
      throw error
    }
  }

  /** The URL reads actually go to (after a redirect to signed storage, that URL). */
  get resolvedUrl(): string {
    return this.http.resolvedUrl
  }

  /** The file's size in bytes (known since open). */
  async size(): Promise<number> {
    return this.totalSize
  }

  /** ByteSource read: up to `length` bytes at `offset`, fewer at the end of the file. Runs readSync, so it blocks the thread while fetching. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.totalSize, offset + length)
    const out = new Uint8Array(Math.max(0, end - offset))
    this.readSync(offset, out.length, out, 0)
    return out
  }

  /**
   * Copies up to `length` bytes at `offset` into `target` (fewer only at the end of the file) and returns
   * the count. Blocks while missing blocks are fetched.
   */
  readSync(offset: number, length: number, target: Uint8Array, targetOffset = 0): number {
    if (this.closed) throw new NetworkError(`The remote file ${this.name} was closed.`, { url: redact(this.url), closed: true })
    if (!(Number.isSafeInteger(offset) && offset >= 0 && Number.isSafeInteger(length) && length >= 0)) {
      throw new InvalidArgumentError('range', { offset, length }, 'a non-negative whole offset and length')
    }
    const end = Math.min(this.totalSize, offset + length)
    if (end <= offset) return 0
    this.stats.requested += end - offset
    const bs = this.blockSize
    const first = Math.floor(offset / bs)
    const last = Math.floor((end - 1) / bs)

    const sequential = this.lastEnd >= 0 && offset >= this.lastEnd - bs && offset <= this.lastEnd + bs
    this.lastEnd = end
    // Local references: eviction during the fetch below cannot take blocks this read needs.
    const fetched = new Map<number, Uint8Array>()
    const missing: number[] = []
    for (let b = first; b <= last; b++) {
      const block = this.touch(b)
      if (block) fetched.set(b, block)
      else missing.push(b)
    }
    if (missing.length) {
      this.readahead = sequential ? Math.min(this.maxReadahead, this.readahead * 2) : bs
      this.fetchBlocks(missing, last, fetched)
    }
    let written = 0
    for (let b = first; b <= last; b++) {
      const block = fetched.get(b)
      if (!block) throw new CorruptFileError(`Block ${b} of ${this.name} is missing after it was fetched.`, { block: b })
      const blockStart = b * bs
      const from = Math.max(offset, blockStart) - blockStart
      const to = Math.min(end, blockStart + block.length) - blockStart
      if (to <= from) break
      target.set(block.subarray(from, to), targetOffset + blockStart + from - offset)
      written += to - from
    }
    return written
  }

  /** Same as closeSync. */
  async close(): Promise<void> {
    this.closeSync()
  }

  /** Ends the fetch worker and drops the cache (idempotent). Later reads throw NetworkError. */
  closeSync(): void {
    if (this.closed) return
    this.closed = true
    this.http.close()
    this.blocks.clear()
    this.cached = 0
  }

  /** Closes the file, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.closeSync()
  }

  /** Groups missing blocks into runs (bridging small cached gaps), extends the last by readahead, fetches. */
  private fetchBlocks(missing: number[], last: number, fetched: Map<number, Uint8Array>): void {
    const bs = this.blockSize
    const lastBlock = Math.floor((this.totalSize - 1) / bs)
    const bridgeBlocks = Math.floor(this.bridge / bs)
    const runs: [number, number][] = []
    for (const b of missing) {
      const run = runs[runs.length - 1]
      if (run && b - run[1] - 1 <= bridgeBlocks) run[1] = b
      else runs.push([b, b])
    }
    const tail = runs[runs.length - 1]
    const extra = Math.ceil(this.readahead / bs) - 1
    let stop = Math.min(lastBlock, Math.max(tail[1], last) + extra)
    for (let b = tail[1] + 1; b <= stop; b++) {
      if (this.blocks.has(b)) {
        stop = b - 1
        break
      }
    }
    tail[1] = Math.max(tail[1], stop)
    const perRequest = Math.max(1, Math.floor(this.maxRequest / bs))
    const ranges: [number, number][] = []
    for (const [a, z] of runs) {
      for (let s = a; s <= z; s += perRequest) {
        const e = Math.min(z, s + perRequest - 1)
        ranges.push([s * bs, Math.min(this.totalSize, (e + 1) * bs) - 1])
      }
    }
    let batch
    try {
      batch = this.http.fetchRanges(ranges, this.signal)
    } catch (error) {
      this.lastError = error as Error
      throw error
    }
    let bytes = 0
    for (const part of batch.parts) {
      bytes += part.bytes.length
      for (let off = 0; off < part.bytes.length; off += bs) {
        const b = (part.start + off) / bs
        const block = part.bytes.slice(off, Math.min(off + bs, part.bytes.length))
        fetched.set(b, block)
      }
      if (part.total >= 0 && part.total !== this.totalSize) {
        const error = new CorruptFileError(`${this.name} changed size while it was read (${this.totalSize} then ${part.total} bytes).`, { url: redact(this.url), expected: this.totalSize, actual: part.total })
        this.lastError = error
        throw error
      }
    }
    this.account(batch.requests, batch.retried, bytes)
    for (const [b, block] of fetched) this.put(b, block)
    this.evict()
  }

  private account(requests: number, retried: number, bytes: number): void {
    this.stats.requests += requests
    this.stats.retried += retried
    this.stats.bytes += bytes
    this.onTransfer?.(this.stats)
  }

  private store(start: number, bytes: Uint8Array): void {
    const bs = this.blockSize
    for (let off = 0; off < bytes.length; off += bs) this.put((start + off) / bs, bytes.slice(off, Math.min(off + bs, bytes.length)))
  }

  private put(b: number, block: Uint8Array): void {
    const old = this.blocks.get(b)
    if (old) this.cached -= old.length
    this.blocks.delete(b)
    this.blocks.set(b, block)
    this.cached += block.length
  }

  private touch(b: number): Uint8Array | undefined {
    const block = this.blocks.get(b)
    if (block) {
      this.blocks.delete(b)
      this.blocks.set(b, block)
    }
    return block
  }

  private evict(): void {
    for (const [key, block] of this.blocks) {
      if (this.cached <= this.cacheBytes) break
      this.blocks.delete(key)
      this.cached -= block.length
    }
  }
}

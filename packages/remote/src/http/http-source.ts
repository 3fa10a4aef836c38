import { baseName, checkRange, InvalidArgumentError, NetworkError, type ByteSource, type TransferStats } from '@spikes/core'
import { allocBytes } from './alloc-bytes.js'
import { redact, type HttpOptions } from './http-fetch.js'
import { httpRequest, type HttpRequestInit } from './http-request.js'
import type { HttpAnswer } from './transport.js'
import { BlockCache } from './block-cache.js'

/** HttpOptions plus the block cache settings of HttpSource. */
export interface HttpSourceOptions extends HttpOptions {
  /** Reads are rounded to blocks of this size (default 64 KiB); adjacent missing blocks go in one request. */
  blockSize?: number
  /**
   * A run of missing blocks larger than this (default 512 KiB) is fetched as several requests of about equal size
   * made at once (at most 8), since remote stores pace each response on its own.
   */
  maxRequestBytes?: number
  /** Most bytes kept in the block cache (default 64 MiB), least recently used evicted first. */
  cacheBytes?: number
  /**
   * A server that ignores Range sends the whole file: up to this many bytes (default 512 MiB) it is kept in
   * memory and every read is served from it; a larger one is a NetworkError with details.rangeUnsupported.
   */
  maxWholeFileBytes?: number
  /**
   * The file's size when known beforehand (from a listing or a record): no request is made for it, and a 206
   * without a readable Content-Range (a browser, when CORS does not expose it) is accepted, each body's length
   * checked against the bytes asked for.
   */
  size?: number
  /**
   * For a signed URL that expires: when a read answers 401 or 403, the URL to read from is asked for again
   * through this (e.g. the archive's redirect resolved afresh) and the read retried once with it.
   */
  refreshUrl?: () => Promise<string>
}

const DEFAULT_MAX_WHOLE_FILE = 512 * 1024 * 1024
/** Most requests one missing run is split into. */
const MAX_PARALLEL_PIECES = 8

/**
 * An HTTP(S) file read with Range requests: block-aligned, coalesced, cached, counted. A server that
 * ignores Range is read once, whole, into memory (up to `maxWholeFileBytes`).
 */
export class HttpSource implements ByteSource {
  readonly type = 'file' as const
  readonly name: string
  readonly stats: TransferStats = { requests: 0, bytes: 0 }
  private readonly blockSize: number
  private readonly cacheBytes: number
  private readonly blocks: BlockCache
  private readonly maxWhole: number
  private readonly maxRequestBytes: number
  private readonly pending = new Map<number, Promise<void>>()
  private totalSize: number | undefined
  /** The whole file, when the server ignored Range. */
  private whole: Uint8Array | undefined
  /** Where reads go: `url`, or what refreshUrl gave after it expired. */
  private current: string
  private refreshing: Promise<string> | undefined

  constructor(readonly url: string, private readonly options: HttpSourceOptions = {}) {
    this.name = baseName(redact(url))
    this.blockSize = options.blockSize ?? 64 * 1024
    this.cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024
    const maxWhole = options.maxWholeFileBytes ?? DEFAULT_MAX_WHOLE_FILE
    if (!(Number.isSafeInteger(maxWhole) && maxWhole >= 0)) throw new InvalidArgumentError('maxWholeFileBytes', maxWhole, 'a whole number of bytes')
    this.maxWhole = maxWhole
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024
    if (!(Number.isSafeInteger(this.maxRequestBytes) && this.maxRequestBytes > 0)) throw new InvalidArgumentError('maxRequestBytes', this.maxRequestBytes, 'a positive whole number of bytes')
    if (!Number.isSafeInteger(this.blockSize) || this.blockSize < 1) throw new InvalidArgumentError('blockSize', this.blockSize, 'a positive whole number of bytes')
    if (!(this.cacheBytes >= this.blockSize)) throw new InvalidArgumentError('cacheBytes', this.cacheBytes, `at least blockSize (${this.blockSize})`)
    if (options.size !== undefined && !(Number.isSafeInteger(options.size) && options.size >= 0)) throw new InvalidArgumentError('size', options.size, 'a whole number of bytes')
    this.totalSize = options.size
    this.current = url
    this.blocks = new BlockCache(this.blockSize, this.cacheBytes)
  }

  /** Total size in bytes, from the Content-Range of the first block request (made on first call, block 0 is cached). */
  async size(): Promise<number> {
    if (this.totalSize === undefined) await this.ensure(0, 0)
    return this.totalSize as number
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(offset, length)
    if (length === 0) return new Uint8Array(0)
    const size = await this.size()
    const end = Math.min(offset + length, size)
    if (offset >= end) return new Uint8Array(0)
    if (this.whole) return this.whole.subarray(offset, end)
    const first = Math.floor(offset / this.blockSize)
    const last = Math.floor((end - 1) / this.blockSize)
    await this.ensure(first, last)
    const view = this.blocks.viewOf(first, last, offset, end)
    if (view) return view
    const out = new Uint8Array(end - offset)
    for (let b = first; b <= last; b++) {
      let block = this.blocks.use(b)
      if (!block) {
        // A read larger than the cache evicts its own first blocks: fetch them again, one at a time.
        await this.fetchBlocks(b, b)
        block = this.blocks.use(b) as Uint8Array
      }
      const blockStart = b * this.blockSize
      const from = Math.max(offset, blockStart) - blockStart
      const to = Math.min(end, blockStart + block.length) - blockStart
      out.set(block.subarray(from, to), blockStart + from - offset)
    }
    return out
  }

  /**
   * The HTTP settings this source was made with (headers, timeouts, retries, signal, a custom fetch), for a
   * reader that fetches the same URL another way (e.g. @spikes/hdf5's blocking Range reader).
   */
  get requestOptions(): Readonly<HttpOptions> {
    const { fetch, headers, timeoutMs, retries, backoffMs, signal } = this.options
    return { fetch, headers, timeoutMs, retries, backoffMs, signal }
  }

  /** Drops the block cache; the source stays usable and refetches on the next read. */
  async close(): Promise<void> {
    this.blocks.clear()
  }

  private async ensure(first: number, last: number): Promise<void> {
    if (this.whole) return
    const waits: Promise<void>[] = []
    let runStart = -1
    for (let b = first; b <= last + 1; b++) {
      const missing = b <= last && !this.blocks.has(b) && !this.pending.has(b)
      if (missing && runStart < 0) runStart = b
      if (!missing && runStart >= 0) {
        this.fetchRun(runStart, b - 1, waits)
        runStart = -1
      }
      if (b <= last && this.pending.has(b)) waits.push(this.pending.get(b) as Promise<void>)
    }
    await Promise.all(waits)
  }

  /**
   * Blocks first..last, missing: one request, or for a run over maxRequestBytes several of about equal size
   * made at once (a remote store paces each response on its own: bench/scan's 2 MB at 40 MB/s took 75 ms in one, 40 in four).
   */
  private fetchRun(first: number, last: number, waits: Promise<void>[]): void {
    const count = last - first + 1
    const pieces = Math.min(MAX_PARALLEL_PIECES, Math.ceil(count / Math.max(1, Math.floor(this.maxRequestBytes / this.blockSize))))
    const per = Math.ceil(count / pieces)
    // The pieces' bodies land side by side in one buffer (where the transport can write into it), so a read
    // across them is still a view.
    const start = first * this.blockSize
    const run = pieces > 1 ? allocBytes(Math.min((last + 1) * this.blockSize, this.totalSize ?? Infinity) - start) : undefined
    for (let from = first; from <= last; from += per) waits.push(this.fetchBlocks(from, Math.min(last, from + per - 1), run?.subarray(from * this.blockSize - start)))
  }

  private fetchBlocks(first: number, last: number, into?: Uint8Array): Promise<void> {
    const job = this.doFetch(first, last, into).finally(() => {
      for (let b = first; b <= last; b++) this.pending.delete(b)
    })
    for (let b = first; b <= last; b++) this.pending.set(b, job)
    return job
  }

  private async doFetch(first: number, last: number, into?: Uint8Array): Promise<void> {
    const start = first * this.blockSize
    const endInclusive = (last + 1) * this.blockSize - 1
    let answer: HttpAnswer
    try {
      answer = await this.fetchRange(start, endInclusive, into)
    } catch (error) {
      // 416 for a range starting at byte 0: no byte of the file exists, it is empty.
      if (start === 0 && (error as { status?: unknown }).status === 416) {
        this.stats.requests++
        this.totalSize = 0
        return
      }
      throw error
    }
    this.stats.requests++
    if (answer.status === 200) return this.keepWhole(answer)
    if (answer.status !== 206) throw new NetworkError(`${redact(this.url)} answered a Range request with HTTP ${answer.status}.`, { url: redact(this.url), status: answer.status })
    const header = answer.header('content-range')
    const range = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header ?? '')
    const total = range?.[3] ?? /\/(\d+)\s*$/.exec(header ?? '')?.[1]
    if (total && this.options.size !== undefined && Number(total) !== this.options.size) {
      throw new NetworkError(`${redact(this.url)} holds ${total} bytes, not the ${this.options.size} its listing gave: it changed while being read.`, { url: redact(this.url), expected: this.options.size, actual: Number(total) })
    }
    if (!total && this.options.size === undefined) throw badContentRange(this.url, header)
    if (range && Number(range[1]) !== start) {
      throw new NetworkError(`${redact(this.url)} answered a Range request for bytes ${start}-${endInclusive} with bytes ${range[1]}-${range[2]}.`, { url: redact(this.url), contentRange: header, start })
    }
    this.totalSize ??= Number(total)
    const body = answer.body
    this.stats.bytes += body.length
    const expected = Math.max(0, Math.min(endInclusive + 1, this.totalSize) - start)
    if (body.length < expected) {
      throw new NetworkError(`${redact(this.url)} sent ${body.length} of ${expected} bytes for bytes ${start}-${endInclusive}.`, { url: redact(this.url), expected, received: body.length })
    }
    // The blocks are views of the one body: no copy (the cache counts the bodies they keep alive).
    for (let b = first; b <= last; b++) {
      const from = (b - first) * this.blockSize
      if (from >= body.length) break
      this.blocks.keep(b, body.subarray(from, Math.min(from + this.blockSize, body.length)))
    }
    this.blocks.evict()
  }

  /**
   * One Range request; on 401/403 with refreshUrl, the URL is renewed (once for all the reads in flight that
   * failed with the same URL) and the request made once more. A 206 body longer than asked for is refused;
   * a 200 (Range ignored) body is limited by maxWholeFileBytes.
   */
  private async fetchRange(start: number, endInclusive: number, into?: Uint8Array): Promise<HttpAnswer> {
    const init: HttpRequestInit = { headers: { Range: `bytes=${start}-${endInclusive}` }, into, limit: (status) => (status === 206 ? endInclusive + 1 - start : this.maxWhole), tooLarge: (size, status) => this.tooLarge(size, status, start, endInclusive) }
    const used = this.current
    try {
      return await httpRequest(used, init, this.options)
    } catch (error) {
      const status = (error as { status?: unknown }).status
      const refreshUrl = this.options.refreshUrl
      if (!refreshUrl || (status !== 401 && status !== 403)) throw error
      this.stats.requests++
      if (this.current === used) {
        this.refreshing ??= refreshUrl().finally(() => (this.refreshing = undefined))
        this.current = await this.refreshing
      }
      return httpRequest(this.current, init, this.options)
    }
  }

  private tooLarge(size: string, status: number, start: number, endInclusive: number): NetworkError {
    if (status === 206) return new NetworkError(`${redact(this.url)} sent ${size} for a Range request of bytes ${start}-${endInclusive}.`, { url: redact(this.url), expected: endInclusive + 1 - start })
    return new NetworkError(
      `${redact(this.url)} does not support HTTP Range requests, and the whole file (${size}) is larger than maxWholeFileBytes (${this.maxWhole} bytes). Download it and load the file, or raise maxWholeFileBytes.`,
      { url: redact(this.url), status, rangeUnsupported: true, maxWholeFileBytes: this.maxWhole },
    )
  }

  /** The server ignored Range and sent the whole file (under maxWholeFileBytes): every read is served from it. */
  private keepWhole(answer: HttpAnswer): void {
    const declared = Number(answer.header('content-length') ?? NaN)
    const received = answer.body.length
    if (Number.isSafeInteger(declared) && received < declared && answer.header('content-encoding') === null) {
      throw new NetworkError(`${redact(this.url)} sent ${received} of the ${declared} bytes its Content-Length announced.`, { url: redact(this.url), expected: declared, received })
    }
    this.stats.bytes += received
    this.stats.wholeFiles = 1
    this.whole = answer.body
    this.totalSize = received
    this.blocks.clear()
  }
}

/** `new HttpSource(url, options)`: a Range-read ByteSource over an HTTP(S) URL. No request is made until the first size() or read(). */
export function httpSource(url: string, options?: HttpSourceOptions): HttpSource {
  return new HttpSource(url, options)
}

/**
 * A 206 answer whose Content-Range cannot be read. In a browser, a cross-origin answer shows only the
 * headers the server lists in Access-Control-Expose-Headers, so a missing one is most often that.
 */
export function badContentRange(url: string, header: string | null): NetworkError {
  if (header !== null) return new NetworkError(`${redact(url)} answered a Range request with Content-Range ${JSON.stringify(header)}, which gives no total size.`, { url: redact(url), contentRange: header })
  return new NetworkError(
    `${redact(url)} answered a Range request (HTTP 206) but its Content-Range header is not visible.`,
    { url: redact(url), reason: 'content-range-hidden' },
    { hints: [{ kind: 'text', text: 'If the file is on another origin, its server must expose the header to pages: add "Access-Control-Expose-Headers: Content-Range, Content-Length" to its answers (with Access-Control-Allow-Origin).' }] },
  )
}

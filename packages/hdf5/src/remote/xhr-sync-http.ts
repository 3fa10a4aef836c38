import { AbortedError, NetworkError } from '@spikes/core'
import { RETRYABLE_STATUSES, redact, retryDelay } from '@spikes/remote'
import type { RangeBatch, RangePart, SyncHttpOptions } from './sync-http.js'
import type { RangeTransport } from './range-transport.js'

/**
 * Synchronous HTTP Range reads in a browser's Web Worker, with synchronous XMLHttpRequest: a worker may
 * block, and there a synchronous request can return binary data (on a page's main thread it can do
 * neither). Ranges are fetched one after another, since a synchronous request cannot overlap another;
 * `concurrency` is ignored. Retries and statuses follow the Node fetch worker (worker-source.ts).
 *
 * The server must allow the page's origin (CORS), including a preflight for the Range header, and expose
 * Content-Range unless the file's size is given (then each body's length is checked instead); a browser
 * reports a refused cross-origin request only as a network error.
 */
export class XhrSyncHttp implements RangeTransport {
  private finalUrl: string | null = null
  private closed = false
  private readonly headers: Record<string, string>
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly backoffMs: number
  private readonly size: number | undefined

  constructor(
    readonly url: string,
    options: SyncHttpOptions = {},
  ) {
    this.finalUrl = options.resolvedUrl ?? null
    this.size = options.size
    this.headers = { ...(options.headers ?? {}) }
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.retries = options.retries ?? 4
    this.backoffMs = options.backoffMs ?? 250
  }

  /** The URL reads go to after a redirect (a signed storage URL), when there was one. */
  get resolvedUrl(): string {
    return this.finalUrl ?? this.url
  }

  /** Fetches byte ranges [start, endInclusive], blocking the worker until all have arrived. */
  fetchRanges(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): RangeBatch {
    if (this.closed) throw new NetworkError(`The remote file ${redact(this.url)} was closed.`, { url: redact(this.url), closed: true })
    const counts = { requests: 0, retried: 0 }
    const parts = ranges.map(([start, end]) => this.fetchRange(start, end, counts, signal))
    return { parts, ...counts }
  }

  /** Later fetchRanges calls throw NetworkError (idempotent). */
  close(): void {
    this.closed = true
  }

  private fetchRange(start: number, end: number, counts: { requests: number; retried: number }, signal: AbortSignal | undefined): RangePart {
    let last: NetworkError | undefined
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (signal?.aborted) throw new AbortedError(`Reading ${redact(this.url)}`)
      if (attempt > 0) counts.retried++
      const url = this.finalUrl ?? this.url
      const xhr = new XMLHttpRequest()
      xhr.open('GET', url, false)
      xhr.responseType = 'arraybuffer'
      xhr.timeout = this.timeoutMs
      if (sameOrigin(url, this.url)) for (const [name, value] of Object.entries(this.headers)) xhr.setRequestHeader(name, value)
      xhr.setRequestHeader('Range', `bytes=${start}-${end}`)
      counts.requests++
      try {
        xhr.send()
      } catch (error) {
        const timedOut = (error as { name?: string })?.name === 'TimeoutError'
        last = new NetworkError(
          timedOut
            ? `Request timed out after ${this.timeoutMs} ms (${redact(url)}).`
            : `Request to ${redact(url)} failed: the connection failed or the server does not allow this page's origin (CORS).`,
          { url: redact(url), reason: timedOut ? 'timeout' : 'network' },
        )
        this.finalUrl = null
        sleepSync(this.backoffMs * 2 ** attempt)
        continue
      }
      if (xhr.responseURL && xhr.responseURL !== url) {
        counts.requests++
        this.finalUrl = xhr.responseURL
      }
      const answered = xhr.responseURL || url
      const status = xhr.status
      if (status === 206 && xhr.getResponseHeader('content-range') === null && this.size !== undefined) {
        // The bucket's CORS hides Content-Range (the DANDI archive's exposes only ETag): the size is known, so
        // the body must hold exactly the bytes asked for.
        const body = xhr.response as ArrayBuffer
        const wanted = Math.min(end, this.size - 1) - start + 1
        if (body.byteLength === wanted) return { start, status, bytes: new Uint8Array(body), total: this.size }
        if (body.byteLength > wanted) throw new NetworkError(`${redact(answered)} answered a Range request for bytes ${start}-${end} with ${body.byteLength} bytes.`, { url: redact(answered), start, end, reason: 'bad-content-range' })
        last = new NetworkError(`${redact(answered)} sent ${body.byteLength} of ${wanted} bytes for bytes ${start}-${end}.`, { url: redact(answered), expected: wanted, received: body.byteLength, start, end, reason: 'short-body' })
        sleepSync(this.backoffMs * 2 ** attempt)
        continue
      }
      if (status === 206) {
        const contentRange = xhr.getResponseHeader('content-range')
        const cr = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(contentRange ?? '')
        if (!cr || Number(cr[1]) !== start) {
          const hint = contentRange === null ? ' (none visible: a cross-origin server must list Content-Range in Access-Control-Expose-Headers)' : ` ${JSON.stringify(contentRange)}`
          throw new NetworkError(`${redact(answered)} answered a Range request for bytes ${start}-${end} with Content-Range${hint}.`, { url: redact(answered), start, end, reason: 'bad-content-range' })
        }
        const body = xhr.response as ArrayBuffer
        const expected = Number(cr[2]) - Number(cr[1]) + 1
        if (body.byteLength < expected) {
          last = new NetworkError(`${redact(answered)} sent ${body.byteLength} of ${expected} bytes for bytes ${start}-${end}.`, { url: redact(answered), expected, received: body.byteLength, start, end, reason: 'short-body' })
          sleepSync(this.backoffMs * 2 ** attempt)
          continue
        }
        const bytes = new Uint8Array(body, 0, expected)
        return { start, status, bytes, total: cr[3] === '*' ? -1 : Number(cr[3]) }
      }
      if (status === 200) {
        const length = Number(xhr.getResponseHeader('content-length'))
        throw new NetworkError(`${redact(answered)} does not support HTTP Range requests (answered 200 with the whole file).`, {
          url: redact(answered),
          status,
          total: Number.isFinite(length) ? length : -1,
          reason: 'range-unsupported',
          rangeUnsupported: true,
        })
      }
      if (status === 416) {
        const cr = /bytes\s+\*\/(\d+)/i.exec(xhr.getResponseHeader('content-range') ?? '')
        if (cr) return { start, status, bytes: new Uint8Array(0), total: Number(cr[1]) }
        throw new NetworkError(`${redact(answered)} answered 416 (range not satisfiable) for bytes ${start}-${end}.`, { url: redact(answered), status, reason: 'http' })
      }
      if ((status === 401 || status === 403) && this.finalUrl && this.finalUrl !== this.url) {
        // A signed redirect target expired: go back to the original URL once.
        this.finalUrl = null
        last = new NetworkError(`HTTP ${status} from ${redact(answered)}`, { url: redact(answered), status, reason: 'http' })
        continue
      }
      if (RETRYABLE_STATUSES.has(status) && attempt < this.retries) {
        last = new NetworkError(`HTTP ${status} from ${redact(answered)}`, { url: redact(answered), status, reason: 'http' })
        sleepSync(retryDelay(xhr.getResponseHeader('retry-after'), this.backoffMs * 2 ** attempt))
        continue
      }
      throw new NetworkError(`GET ${redact(answered)} (bytes ${start}-${end}) failed with HTTP ${status}${errorText(xhr)}.`, { url: redact(answered), status, reason: 'http' })
    }
    throw last ?? new NetworkError(`Request to ${redact(this.url)} failed.`, { url: redact(this.url), reason: 'network' })
  }
}

function errorText(xhr: XMLHttpRequest): string {
  const body = xhr.response as ArrayBuffer | null
  if (!body || body.byteLength === 0) return ''
  const text = new TextDecoder().decode(new Uint8Array(body, 0, Math.min(body.byteLength, 200))).trim()
  return text ? `: ${text}` : ''
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

let waitCell: Int32Array | null | undefined

/**
 * Blocks the worker for `ms` before a retry. Atomics.wait needs shared memory, which a page that is not
 * cross-origin isolated may not create; then the wait is a busy loop (retry waits only, at most 60 s).
 */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return
  if (waitCell === undefined) waitCell = sharedCell()
  if (waitCell) {
    Atomics.wait(waitCell, 0, 0, ms)
    return
  }
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

function sharedCell(): Int32Array | null {
  try {
    if (typeof SharedArrayBuffer === 'function') return new Int32Array(new SharedArrayBuffer(4))
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
    return new Int32Array(memory.buffer)
  } catch {
    return null
  }
}

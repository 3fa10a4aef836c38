import { AbortedError, IntegrityError, NetworkError, SpikesError } from '@spikes/core'
import { RETRYABLE_STATUSES, redact, retryDelay, sleep } from '@spikes/remote'
import { DandiEtag, partHashFactory, type PartHashFactory } from './dandi-etag.js'
import { fileSink, memorySink, type DownloadSink } from './download-sinks.js'
import { nodeDeps } from './node-deps.js'

/** Options of downloadToMemory: everything but where the bytes go. */
export interface TransferOptions {
  /** Headers for `url` (e.g. Authorization); downloadFile never sends them to another origin after a redirect (downloadToMemory lets the browser follow redirects). */
  headers?: Record<string, string>
  /** Expected size in bytes (checked at the end). */
  expectedSize?: number
  /** Expected lower-case hex SHA-256 (checked at the end). */
  sha256?: string
  /** Expected `dandi:dandi-etag` (the multipart S3 ETag DANDI records for every blob), computed as the bytes arrive and checked at the end. */
  dandiEtag?: string
  /** An attempt that receives no byte for this long (ms, default 60 s) is abandoned and resumed. */
  stallTimeoutMs?: number
  /** Attempts after a failure (429/5xx, dropped connection, short body, stall), resuming with Range (default 4). */
  retries?: number
  backoffMs?: number
  signal?: AbortSignal
  fetch?: typeof fetch
  /** Called as bytes arrive (at most every 100 ms, and at the end). */
  onProgress?: (loaded: number, total: number | undefined) => void
}

/** Options of downloadFile. */
export interface DownloadOptions extends TransferOptions {
  /** Final path; the bytes go to a temporary name beside it and are renamed when complete and verified. */
  dest: string
}

/** What a completed download reports besides its bytes. */
export interface TransferResult {
  bytes: number
  /** HTTP requests made (redirects included). */
  requests: number
  /** Times the transfer resumed after an interruption. */
  resumed: number
  /** Times the server ignored Range on a resume and the transfer restarted from 0. */
  restarted: number
  /** The SHA-256 of the bytes ('' where it cannot be computed and none was expected: Web Crypto outside secure contexts). */
  sha256: string
  /** The dandi-etag of the bytes, when one was expected. */
  dandiEtag?: string
  /** True when a digest (dandi-etag or SHA-256) was given and it matched. */
  verified: boolean
}

/** The result of downloadFile. */
export interface DownloadResult extends TransferResult {
  path: string
}

/** The result of downloadToMemory. */
export interface MemoryDownloadResult extends TransferResult {
  data: Uint8Array
}

/** What one attempt ended with: the file is complete, or a transient failure to retry after `delayMs`. */
type Outcome = { done: true } | { done: false; reason: string; delayMs?: number }

/**
 * Streams `url` to disk: temporary name, redirects followed by hand (headers stay on the first origin),
 * resume with Range after an interruption (restart when the server ignores Range), size and SHA-256
 * checks, rename when complete. The temporary file is removed on every failure: nothing partial is left.
 * Node only.
 */
export async function downloadFile(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const deps = await nodeDeps()
  const { value, result } = await transfer(url, options, fileSink(options.dest, deps), false, deps.core.fsWriteError)
  return { path: value, ...result }
}

/**
 * Fetches `url` into memory, with the same retries, resume, size and SHA-256 checks as downloadFile: for
 * browsers, which have no file to stream to. The browser follows redirects itself (a page cannot see
 * them), so `headers` go wherever the archive redirects.
 */
export async function downloadToMemory(url: string, options: TransferOptions): Promise<MemoryDownloadResult> {
  const { value, result } = await transfer(url, options, memorySink(redact(url), options.expectedSize), true, (error) => error)
  return { data: value, ...result }
}

/** The retry loop around Transfer.attempt; `typed` turns the sink's own failures into SpikesErrors where it can. */
async function transfer<R>(url: string, options: TransferOptions, sink: DownloadSink<R>, follow: boolean, typed: (error: unknown) => unknown): Promise<{ value: R; result: TransferResult }> {
  const state = new Transfer(url, options, sink, follow, options.dandiEtag ? await partHashFactory() : undefined)
  try {
    await sink.start()
    for (let failures = 0; ; ) {
      if (options.signal?.aborted) throw new AbortedError(`Downloading ${redact(url)}`)
      const outcome = await state.attempt()
      if (outcome.done) break
      if (options.signal?.aborted) throw new AbortedError(`Downloading ${redact(url)}`)
      failures++
      if (failures > (options.retries ?? 4)) {
        throw new NetworkError(`Downloading ${redact(url)} failed after ${failures} attempts at byte ${state.written}${state.total !== undefined ? ` of ${state.total}` : ''}: ${outcome.reason}.`, {
          url: redact(url),
          received: state.written,
          expected: state.total,
          attempts: failures,
          ...(state.lastStatus ? { status: state.lastStatus } : {}),
        })
      }
      if (state.written > 0) state.resumed++
      await sleep(outcome.delayMs ?? (options.backoffMs ?? 250) * 2 ** (failures - 1), options.signal, 'Downloading')
    }
    const result = await state.finish()
    return { value: await sink.commit(), result }
  } catch (error) {
    await sink.discard()
    const mapped = typed(error)
    if (mapped instanceof SpikesError) throw mapped
    throw new NetworkError(`Downloading ${redact(url)} failed: ${(error as Error)?.message ?? error}.`, { url: redact(url) }, { cause: error })
  }
}

/** One download's HTTP side: requests, redirects, resume offsets, counters and the final checks; bytes go to `sink`. */
class Transfer<R> {
  written = 0
  /** Size the server reports (Content-Length / Content-Range); the archive's size is checked at the end. */
  total: number | undefined
  requests = 0
  resumed = 0
  restarted = 0
  /** HTTP status of the last failed attempt, when it failed on a status. */
  lastStatus: number | undefined
  private target: string
  private lastProgress = 0
  private etag: DandiEtag | undefined

  /**
   * @param followRedirects let fetch follow redirects (browsers: a page cannot see them, `manual` gives an
   *   opaque response) instead of following them by hand so that headers stay on the first origin.
   */
  constructor(
    private readonly url: string,
    private readonly options: TransferOptions,
    private readonly sink: DownloadSink<R>,
    private readonly followRedirects: boolean,
    private readonly etagHash: PartHashFactory | undefined,
  ) {
    this.target = url
  }

  /** One request: follows redirects, appends the body; transient failures come back as an outcome. */
  async attempt(): Promise<Outcome> {
    const doFetch = this.options.fetch ?? globalThis.fetch
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => controller.abort(), this.options.stallTimeoutMs ?? 60_000)
    }
    const onAbort = () => controller.abort()
    this.options.signal?.addEventListener('abort', onAbort, { once: true })
    this.lastStatus = undefined
    try {
      for (let hop = 0; ; hop++) {
        if (hop > 5) throw new NetworkError(`Too many redirects from ${redact(this.url)}.`, { url: redact(this.url) })
        arm()
        const headers: Record<string, string> = { ...(origin(this.target) === origin(this.url) ? this.options.headers : {}) }
        if (this.written > 0) headers.Range = `bytes=${this.written}-`
        this.requests++
        let response: Response
        try {
          response = await doFetch(this.target, { headers, signal: controller.signal, redirect: this.followRedirects ? 'follow' : 'manual' })
        } catch (error) {
          return { done: false, reason: describeError(error, controller.signal.aborted) }
        }
        if (response.redirected) {
          this.requests++
          // Resolved once: resumes go straight to the storage URL (and back to the archive when it expires).
          this.target = response.url || this.target
        }
        const location = response.headers.get('location')
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel().catch(() => {})
          this.target = new URL(location, this.target).toString()
          continue
        }
        const contentRange = response.headers.get('content-range')
        if (response.status === 206 && this.written > 0 && contentRange === null) {
          // A browser sees no Content-Range from a bucket whose CORS exposes only ETag: the offset asked for is
          // trusted, the total is the archive's, and the final size and digest checks catch a wrong answer.
          this.total ??= this.options.expectedSize
        } else if (response.status === 206 && this.written > 0) {
          const cr = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(contentRange ?? '')
          if (!cr || Number(cr[1]) !== this.written) {
            await response.body?.cancel().catch(() => {})
            throw new NetworkError(`${redact(this.target)} resumed at the wrong offset (asked for ${this.written}, got ${response.headers.get('content-range')}).`, { url: redact(this.target), expected: this.written })
          }
          if (cr[3] !== '*') this.total = Number(cr[3])
        } else if (response.status === 200) {
          if (this.written > 0) await this.restart()
          const length = Number(response.headers.get('content-length') ?? NaN)
          if (Number.isSafeInteger(length)) this.total = length
        } else if (response.status === 416 && this.total !== undefined && this.written === this.total) {
          await response.body?.cancel().catch(() => {})
          return { done: true }
        } else if ((response.status === 401 || response.status === 403) && this.target !== this.url) {
          // The presigned storage URL expired: ask the archive for a fresh one.
          await response.body?.cancel().catch(() => {})
          this.target = this.url
          this.lastStatus = response.status
          return { done: false, reason: `HTTP ${response.status} from the storage URL (expired); redirected afresh`, delayMs: 0 }
        } else {
          const text = await response.text().catch(() => '')
          if (RETRYABLE_STATUSES.has(response.status)) {
            this.lastStatus = response.status
            const hinted = retryDelay(response.headers.get('retry-after'), -1)
            return { done: false, reason: `HTTP ${response.status}`, delayMs: hinted >= 0 ? hinted : undefined }
          }
          throw new NetworkError(`GET ${redact(this.target)} failed with HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}.`, { url: redact(this.target), status: response.status })
        }
        if (!response.body) throw new NetworkError(`${redact(this.target)} answered without a body.`, { url: redact(this.target) })
        // A failing read of the body is transient (resume); a failing write to the sink is not.
        const reader = response.body.getReader()
        try {
          for (;;) {
            let next: ReadableStreamReadResult<Uint8Array>
            try {
              next = await reader.read()
            } catch (error) {
              return { done: false, reason: describeError(error, controller.signal.aborted) }
            }
            if (next.done) break
            arm()
            await this.sink.write(next.value)
            if (this.etagHash) (this.etag ??= new DandiEtag(this.options.expectedSize ?? this.total, this.etagHash)).update(next.value)
            this.written += next.value.length
            this.progress()
          }
        } finally {
          reader.cancel().catch(() => {})
        }
        if (this.total !== undefined && this.written < this.total) return { done: false, reason: `the body ended after ${this.written} of ${this.total} bytes` }
        return { done: true }
      }
    } finally {
      clearTimeout(timer)
      this.options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Size and digest checks once every byte has arrived. */
  async finish(): Promise<TransferResult> {
    this.progress(true)
    const { expectedSize, sha256, dandiEtag } = this.options
    // Without an expected SHA-256, one that cannot be computed here (Web Crypto outside secure contexts) is not an error.
    const digest = sha256 ? await this.sink.digest() : await this.sink.digest().catch(() => '')
    if (expectedSize !== undefined && this.written !== expectedSize) {
      throw new IntegrityError(`Downloaded ${this.written} bytes of ${redact(this.url)}, but the archive says the asset has ${expectedSize}; nothing was kept.`, { expected: expectedSize, actual: this.written, check: 'size' })
    }
    const etag = dandiEtag ? (this.etag ?? new DandiEtag(this.written, this.etagHash!)).digest() : undefined
    if (dandiEtag && etag !== dandiEtag.toLowerCase()) {
      throw new IntegrityError(`The dandi-etag of ${redact(this.url)} as downloaded (${etag}) does not match the archive's (${dandiEtag}); nothing was kept. Retry the download.`, { expected: dandiEtag, actual: etag, check: 'dandi-etag' })
    }
    if (sha256 && digest !== sha256.toLowerCase()) {
      throw new IntegrityError(`The SHA-256 of ${redact(this.url)} as downloaded does not match the archive's digest; nothing was kept. Retry the download.`, { expected: sha256, actual: digest, check: 'sha256' })
    }
    return { bytes: this.written, requests: this.requests, resumed: this.resumed, restarted: this.restarted, sha256: digest, ...(etag ? { dandiEtag: etag } : {}), verified: !!(sha256 || dandiEtag) }
  }

  /** The server ignored Range on a resume: start the sink and the count over. */
  private async restart(): Promise<void> {
    this.restarted++
    await this.sink.restart()
    this.etag = undefined
    this.written = 0
  }

  private progress(force = false): void {
    const now = Date.now()
    if (this.options.onProgress && (force || now - this.lastProgress >= 100)) {
      this.lastProgress = now
      this.options.onProgress(this.written, this.total ?? this.options.expectedSize)
    }
  }
}

function describeError(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'no data arrived in time (stalled or aborted)'
  const e = error as { message?: string; cause?: { message?: string } }
  return e?.cause?.message ?? e?.message ?? String(error)
}

function origin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

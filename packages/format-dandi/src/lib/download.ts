import { createHash, randomBytes, type Hash } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AbortedError, IntegrityError, NetworkError, SpikesError } from '@spikes/core'
import { RETRYABLE_STATUSES, redact, retryDelay, sleep } from '@spikes/core/http'
import { asWriteFailure, fsWriteError } from '@spikes/core/node'

export interface DownloadOptions {
  /** Final path; the bytes go to a temporary name beside it and are renamed when complete and verified. */
  dest: string
  /** Headers for `url` (e.g. Authorization); never sent to another origin after a redirect. */
  headers?: Record<string, string>
  /** Expected size in bytes (checked at the end). */
  expectedSize?: number
  /** Expected lower-case hex SHA-256 (checked at the end). */
  sha256?: string
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

export interface DownloadResult {
  path: string
  bytes: number
  /** HTTP requests made (redirects included). */
  requests: number
  /** Times the transfer resumed after an interruption. */
  resumed: number
  /** Times the server ignored Range on a resume and the transfer restarted from 0. */
  restarted: number
  sha256: string
  /** True when a digest was given and it matched. */
  verified: boolean
}

/** What one attempt ended with: the file is complete, or a transient failure to retry after `delayMs`. */
type Outcome = { done: true } | { done: false; reason: string; delayMs?: number }

/**
 * Streams `url` to disk: temporary name, redirects followed by hand (headers stay on the first origin),
 * resume with Range after an interruption (restart when the server ignores Range), size and SHA-256
 * checks, rename when complete. The temporary file is removed on every failure: nothing partial is left.
 */
export async function downloadFile(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const state = new Transfer(url, options)
  await asWriteFailure(state.start())
  try {
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
    return await state.finish()
  } catch (error) {
    await state.discard()
    const written = fsWriteError(error)
    if (written !== error) throw written
    throw error instanceof SpikesError ? error : new NetworkError(`Downloading ${redact(url)} failed: ${(error as Error)?.message ?? error}.`, { url: redact(url) }, { cause: error })
  }
}

class Transfer {
  written = 0
  /** Size the server reports (Content-Length / Content-Range); the archive's size is checked at the end. */
  total: number | undefined
  requests = 0
  resumed = 0
  restarted = 0
  /** HTTP status of the last failed attempt, when it failed on a status. */
  lastStatus: number | undefined
  private readonly tmp: string
  private handle: FileHandle | null = null
  private hash: Hash = createHash('sha256')
  private target: string
  private lastProgress = 0

  constructor(
    private readonly url: string,
    private readonly options: DownloadOptions,
  ) {
    this.tmp = join(dirname(options.dest), `.${basename(options.dest)}.${randomBytes(6).toString('hex')}.part`)
    this.target = url
  }

  async start(): Promise<void> {
    this.handle = await open(this.tmp, 'w')
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
          response = await doFetch(this.target, { headers, signal: controller.signal, redirect: 'manual' })
        } catch (error) {
          return { done: false, reason: describeError(error, controller.signal.aborted) }
        }
        const location = response.headers.get('location')
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel().catch(() => {})
          this.target = new URL(location, this.target).toString()
          continue
        }
        if (response.status === 206 && this.written > 0) {
          const cr = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(response.headers.get('content-range') ?? '')
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
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            arm()
            await this.handle!.write(chunk)
            this.hash.update(chunk)
            this.written += chunk.length
            this.progress()
          }
        } catch (error) {
          return { done: false, reason: describeError(error, controller.signal.aborted) }
        }
        if (this.total !== undefined && this.written < this.total) return { done: false, reason: `the body ended after ${this.written} of ${this.total} bytes` }
        return { done: true }
      }
    } finally {
      clearTimeout(timer)
      this.options.signal?.removeEventListener('abort', onAbort)
    }
  }

  async finish(): Promise<DownloadResult> {
    this.progress(true)
    await this.handle!.close()
    this.handle = null
    const digest = this.hash.digest('hex')
    const { expectedSize, sha256, dest } = this.options
    if (expectedSize !== undefined && this.written !== expectedSize) {
      throw new IntegrityError(`Downloaded ${this.written} bytes of ${redact(this.url)}, but the archive says the asset has ${expectedSize}; the file was removed.`, { expected: expectedSize, actual: this.written, check: 'size' })
    }
    if (sha256 && digest !== sha256.toLowerCase()) {
      throw new IntegrityError(`The SHA-256 of the downloaded ${basename(dest)} does not match the archive's digest; the file was removed. Retry the download.`, { expected: sha256, actual: digest, check: 'sha256' })
    }
    await rename(this.tmp, dest)
    return { path: dest, bytes: this.written, requests: this.requests, resumed: this.resumed, restarted: this.restarted, sha256: digest, verified: !!sha256 }
  }

  /** Removes the temporary file (every failure path). */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => {})
    this.handle = null
    await rm(this.tmp, { force: true }).catch(() => {})
  }

  /** The server ignored Range on a resume: start the file and the digest over. */
  private async restart(): Promise<void> {
    this.restarted++
    await this.handle!.truncate(0)
    await this.handle!.close()
    this.handle = await open(this.tmp, 'w')
    this.hash = createHash('sha256')
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

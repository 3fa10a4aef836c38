import { concatBytes, redactUrl } from '@spikes/core/loader-utils'
import { AbortedError, InvalidArgumentError, NetworkError, SpikesError } from '@spikes/core'

/** Options of fetchWithRetry and of HTTP sources. */
export interface HttpOptions {
  /** fetch implementation to use (default `globalThis.fetch`); InvalidArgumentError when neither exists. */
  fetch?: typeof fetch
  /** Sent with every request; headers of the request itself win on a clash. */
  headers?: Record<string, string>
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number
  /**
   * Retries on network errors, timeouts and HTTP 408, 425, 429, 500, 502, 503, 504 (default 4), with
   * exponential backoff honouring Retry-After.
   */
  retries?: number
  /** First backoff delay in ms (default 250), doubled after each attempt. */
  backoffMs?: number
  /** Aborts the request and any backoff wait with AbortedError. */
  signal?: AbortSignal
}

/** HTTP statuses worth retrying after a wait: request timeout, too early, too many requests, and transient server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504])

/**
 * fetch with a timeout, retries with backoff (Retry-After honoured, capped at 60 s), and typed errors.
 * Authorization headers never appear in errors.
 */
export async function fetchWithRetry(url: string, init: RequestInit, options: HttpOptions = {}): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch
  if (typeof doFetch !== 'function') throw new InvalidArgumentError('fetch', doFetch, 'a fetch implementation (none is global here)')
  let timedOut = false
  return withRetries(url, init.method, options, async (timeoutMs) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    let response: Response
    try {
      response = await doFetch(url, { ...init, headers: { ...options.headers, ...(init.headers as Record<string, string>) }, signal })
    } catch (error) {
      timedOut = timeout.aborted
      throw error
    }
    return {
      status: response.status,
      statusText: response.statusText,
      ok: response.ok || response.status === 206 || response.status === 304,
      retryAfter: response.headers.get('retry-after'),
      discard: async () => void (await response.body?.cancel().catch(() => {})),
      errorText: () => response.text().catch(() => ''),
      value: response,
    }
  }, () => timedOut)
}

/** One try of a request, as withRetries judges it. */
export interface RetryAttempt<T> {
  /** The answer's HTTP status. */
  status: number
  /** The answer's status text, for the error message. */
  statusText: string
  /** An answer to return (else an error status: retried when retryable, else a NetworkError). */
  ok: boolean
  /** The answer's Retry-After header, if any. */
  retryAfter: string | null
  /** Lets go of an answer that will be retried (its body unread). */
  discard(): Promise<void>
  /** The start of an error answer's body, for the error message. */
  errorText(): Promise<string>
  /** What withRetries returns when the answer is ok. */
  value: T
}

/** An attempt that ran out of time (the error it threw is the cause). */
class TimedOut {
  constructor(readonly cause: unknown) {}
}

/**
 * The retry policy of every request: a timeout per attempt, retries with backoff on thrown faults (a
 * SpikesError ends at once), timeouts and RETRYABLE_STATUSES (Retry-After honoured), and typed errors:
 * NetworkError with `status` for any other error answer, AbortedError when options.signal aborts.
 */
export async function withRetries<T>(url: string, method: string | undefined, options: HttpOptions, attempt: (timeoutMs: number) => Promise<RetryAttempt<T>>, isTimeout: (error: unknown) => boolean): Promise<T> {
  const retries = options.retries ?? 4
  const backoff = options.backoffMs ?? 250
  const timeoutMs = options.timeoutMs ?? 30_000
  let lastError: unknown
  for (let tried = 0; tried <= retries; tried++) {
    if (options.signal?.aborted) throw new AbortedError(`Request to ${redact(url)}`)
    let answer: RetryAttempt<T>
    try {
      answer = await attempt(timeoutMs)
    } catch (error) {
      if (options.signal?.aborted) throw new AbortedError(`Request to ${redact(url)}`)
      if (error instanceof SpikesError) throw error
      lastError = isTimeout(error) ? new TimedOut(error) : error
      if (tried < retries) await sleep(backoff * 2 ** tried, options.signal)
      continue
    }
    if (answer.ok) return answer.value
    if (RETRYABLE_STATUSES.has(answer.status) && tried < retries) {
      await answer.discard()
      await sleep(retryDelay(answer.retryAfter, backoff * 2 ** tried), options.signal)
      continue
    }
    const text = (await answer.errorText()).slice(0, 200)
    const failed = `${method ?? 'GET'} ${redact(url)} failed with HTTP ${answer.status} ${answer.statusText}${text ? `: ${text}` : ''}`
    // Retried in vain: an outage or overload, which the user can only wait out.
    if (RETRYABLE_STATUSES.has(answer.status) && tried > 0) throw new NetworkError(`${failed} (${tried + 1} attempts). The server is unavailable or overloaded: try again later.`, { url: redact(url), status: answer.status, attempts: tried + 1 })
    throw new NetworkError(`${failed}.`, { url: redact(url), status: answer.status })
  }
  if (lastError instanceof TimedOut) {
    const attempts = retries > 0 ? ` (${retries + 1} attempts)` : ''
    throw new NetworkError(`Request to ${redact(url)} timed out after ${timeoutMs} ms${attempts}: the server did not answer in time. Try again later, or allow a longer timeout.`, { url: redact(url), timeoutMs, attempts: retries + 1 }, { cause: lastError.cause })
  }
  throw new NetworkError(`Request to ${redact(url)} failed after ${retries + 1} attempts: ${(lastError as Error)?.message ?? lastError}`, { url: redact(url), attempts: retries + 1 }, { cause: lastError })
}

/**
 * The body of `response`, refused with `tooLarge(size)` as soon as it exceeds `maxBytes` (by its Content-Length,
 * or while it streams), so a missing or lying length cannot exhaust memory. With a Content-Length the output
 * is allocated once and filled in place; a body longer than announced is a NetworkError, a shorter one comes
 * back as it is (the caller decides). A body cut off mid-stream is a NetworkError naming `url`.
 */
export async function readBodyCapped(response: Response, maxBytes: number, tooLarge: (size: string) => Error, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  const refuse = async (size: string, cancel: () => Promise<void> | undefined) => {
    await cancel()?.catch(() => {})
    return tooLarge(size)
  }
  if (Number.isSafeInteger(declared) && declared > maxBytes) throw await refuse(`${declared} bytes`, () => response.body?.cancel())
  if (!response.body) return new Uint8Array(await response.arrayBuffer())
  const sized = Number.isSafeInteger(declared) && declared >= 0 ? new Uint8Array(declared) : null
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>
    try {
      next = await reader.read()
    } catch (error) {
      throw new NetworkError(`The body of ${redact(url)} was cut off: ${(error as Error).message}`, { url: redact(url) }, { cause: error })
    }
    if (next.done) break
    if (sized && size + next.value.length > sized.length) {
      await reader.cancel().catch(() => {})
      throw new NetworkError(`${redact(url)} sent more than the ${sized.length} bytes its Content-Length announced.`, { url: redact(url), expected: sized.length })
    }
    if (size + next.value.length > maxBytes) throw await refuse(`more than ${maxBytes} bytes`, () => reader.cancel())
    if (sized) sized.set(next.value, size)
    else chunks.push(next.value)
    size += next.value.length
  }
  return sized ? sized.subarray(0, size) : concatBytes(chunks, size)
}

/**
 * Wait in ms before a retry: a Retry-After value (seconds or an HTTP date) capped at 60 s, or
 * `fallbackMs` when the header is absent or unparseable.
 */
export function retryDelay(retryAfter: string | null, fallbackMs: number): number {
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return Math.min(Math.max(seconds, 0) * 1000, 60_000)
    const date = Date.parse(retryAfter)
    if (Number.isFinite(date)) return Math.min(Math.max(date - Date.now(), 0), 60_000)
  }
  return fallbackMs
}

/** Strips credentials and token-like query parameters from a URL before it is shown anywhere (core's redactUrl). */
export const redact = redactUrl

/** Waits `ms` before a retry; an abort of `signal` ends the wait with AbortedError(`what`). */
export function sleep(ms: number, signal?: AbortSignal, what?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(what))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new AbortedError(what))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

import { AbortedError, InvalidArgumentError, NetworkError, SpikesError } from '@spikes/core'
import { redact, retryDelay, RETRYABLE_STATUSES, sleep, type HttpOptions } from './http-fetch.js'
import { nodeTransport } from './node-transport.js'
import { fetchTransport, TransportFault, type HttpAnswer, type HttpRequestSpec, type HttpTransport } from './transport.js'

/** What httpRequest is asked: a transport's spec without its timeout and signal (they come from HttpOptions). */
export type HttpRequestInit = Omit<HttpRequestSpec, 'timeoutMs' | 'signal'>

const fetchTransports = new WeakMap<typeof fetch, HttpTransport>()

/** True under Node (and runtimes that provide node:http), where requests go through node:http(s) rather than fetch. */
export function hasNodeHttp(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined'
}

/**
 * The transport for `options`: over `options.fetch` when one is given, else node:http(s) under Node, else the
 * global fetch (browsers). InvalidArgumentError when none exists.
 */
export function httpTransport(options: Pick<HttpOptions, 'fetch'> = {}): HttpTransport {
  const given = options.fetch
  if (given === undefined && hasNodeHttp()) return nodeTransport()
  const doFetch = given ?? globalThis.fetch
  if (typeof doFetch !== 'function') throw new InvalidArgumentError('fetch', doFetch, 'a fetch implementation (none is global here)')
  let transport = fetchTransports.get(doFetch)
  if (!transport) fetchTransports.set(doFetch, (transport = fetchTransport(doFetch)))
  return transport
}

/**
 * A request with fetchWithRetry's policy, its body read: a timeout per attempt (body included), retries with
 * backoff on network faults, timeouts, cut-off bodies and RETRYABLE_STATUSES (Retry-After honoured), and typed
 * errors: NetworkError with `status` for any other non-2xx answer (a 3xx too, unless redirect is 'manual'),
 * AbortedError when options.signal aborts. The body of a 2xx answer is whole, under `init.limit`.
 */
export async function httpRequest(url: string, init: HttpRequestInit, options: HttpOptions = {}): Promise<HttpAnswer> {
  const transport = httpTransport(options)
  const retries = options.retries ?? 4
  const backoff = options.backoffMs ?? 250
  const timeoutMs = options.timeoutMs ?? 30_000
  const spec: HttpRequestSpec = { ...init, headers: options.headers ? { ...options.headers, ...init.headers } : init.headers, timeoutMs, signal: options.signal }
  let lastError: unknown
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (options.signal?.aborted) throw new AbortedError(`Request to ${redact(url)}`)
    let answer: HttpAnswer
    try {
      answer = await transport(url, spec)
    } catch (error) {
      if (options.signal?.aborted) throw new AbortedError(`Request to ${redact(url)}`)
      if (error instanceof SpikesError) throw error
      lastError = error instanceof TransportFault && error.kind === 'timeout' ? new NetworkError(`Request to ${redact(url)} timed out after ${timeoutMs} ms.`, { url: redact(url), timeoutMs }, { cause: error }) : error
      if (attempt < retries) await sleep(backoff * 2 ** attempt, options.signal)
      continue
    }
    const status = answer.status
    if ((status >= 200 && status < 300) || status === 304 || answer.opaqueRedirect || (init.redirect === 'manual' && status >= 300 && status < 400)) return answer
    if (RETRYABLE_STATUSES.has(status) && attempt < retries) {
      await sleep(retryDelay(answer.header('retry-after'), backoff * 2 ** attempt), options.signal)
      continue
    }
    const text = answer.body.length ? new TextDecoder().decode(answer.body.subarray(0, 800)).slice(0, 200) : ''
    throw new NetworkError(`${init.method ?? 'GET'} ${redact(url)} failed with HTTP ${status} ${answer.statusText}${text ? `: ${text}` : ''}.`, { url: redact(url), status })
  }
  if (lastError instanceof NetworkError) throw lastError
  throw new NetworkError(`Request to ${redact(url)} failed after ${retries + 1} attempts: ${(lastError as Error)?.message ?? lastError}`, { url: redact(url), attempts: retries + 1 }, { cause: lastError })
}

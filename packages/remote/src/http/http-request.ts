import { InvalidArgumentError } from '@spikes/core'
import { withRetries, type HttpOptions } from './http-fetch.js'
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
 * A request with the retry policy of fetchWithRetry (withRetries), its body read: a timeout per attempt (body included), retries with
 * backoff on network faults, timeouts, cut-off bodies and RETRYABLE_STATUSES (Retry-After honoured), and typed
 * errors: NetworkError with `status` for any other non-2xx answer (a 3xx too, unless redirect is 'manual'),
 * AbortedError when options.signal aborts. The body of a 2xx answer is whole, under `init.limit`.
 */
export async function httpRequest(url: string, init: HttpRequestInit, options: HttpOptions = {}): Promise<HttpAnswer> {
  const transport = httpTransport(options)
  const headers = options.headers ? { ...options.headers, ...init.headers } : init.headers
  return withRetries(url, init.method, options, async (timeoutMs) => {
    const answer = await transport(url, { ...init, headers, timeoutMs, signal: options.signal })
    const status = answer.status
    return {
      status,
      statusText: answer.statusText,
      ok: (status >= 200 && status < 300) || status === 304 || answer.opaqueRedirect || (init.redirect === 'manual' && status >= 300 && status < 400),
      retryAfter: answer.header('retry-after'),
      discard: async () => {},
      errorText: async () => (answer.body.length ? new TextDecoder().decode(answer.body.subarray(0, 800)) : ''),
      value: answer,
    }
  }, (error) => error instanceof TransportFault && error.kind === 'timeout')
}

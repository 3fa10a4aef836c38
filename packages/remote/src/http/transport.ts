import { NetworkError } from '@spikes/core'
import { readBodyCapped, redact } from './http-fetch.js'

/** One HTTP request as a transport makes it: a single attempt (retries are httpRequest's). */
export interface HttpRequestSpec {
  method?: 'GET' | 'HEAD'
  headers?: Record<string, string>
  /**
   * 'follow' (default): up to 20 redirects, with Authorization, Cookie and Proxy-Authorization dropped when one
   * leads to another origin (as fetch does); 'manual': a 3xx is the answer (in a browser an opaque one).
   */
  redirect?: 'follow' | 'manual'
  /** Most bytes kept of a 2xx body with this status (default 256 MiB); a larger one is refused with tooLarge. */
  limit?: (status: number) => number
  /** The error for a 2xx body over its limit (`size`: '123 bytes' or 'more than N bytes'). */
  tooLarge?: (size: string, status: number) => Error
  /**
   * Where a 2xx body may be written when its Content-Length shows it fits (the answer's body is then a view of
   * it); a transport may ignore it (fetch does). Never written for other statuses.
   */
  into?: Uint8Array
  /**
   * Only the status and headers are wanted (e.g. where a redirect leads): the body is not kept, and one that
   * is not short is not read at all (the connection is dropped). The answer's body is then empty.
   */
  headersOnly?: boolean
  /** Aborts the request: it then fails with a TransportFault of kind 'aborted'. */
  signal?: AbortSignal
  /** The whole request, body included, in ms; past it, a TransportFault of kind 'timeout'. */
  timeoutMs: number
}

/** An answer with its body read: whole for 2xx (under the limit), the first bytes only for other statuses. */
export interface HttpAnswer {
  status: number
  statusText: string
  /** Where the answer came from, after redirects. */
  url: string
  /** A header by its name (any case), null when absent. */
  header(name: string): string | null
  body: Uint8Array
  /** A browser's redirect: 'manual' showed neither its status nor its Location. */
  opaqueRedirect: boolean
}

/** Makes one request (one attempt, redirects followed unless 'manual'). */
export type HttpTransport = (url: string, spec: HttpRequestSpec) => Promise<HttpAnswer>

/** A request that got no usable answer: worth retrying unless the caller aborted it. */
export class TransportFault extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'aborted',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** Bytes kept of a non-2xx answer's body (its first words go into error messages). */
export const ERROR_BODY_BYTES = 8192

/** Default limit of a 2xx body. */
export const DEFAULT_BODY_LIMIT = 256 * 1024 * 1024

/** A transport over a fetch implementation (browsers, and a `fetch` passed in options). */
export function fetchTransport(doFetch: typeof fetch): HttpTransport {
  return async (url, spec) => {
    const timeout = AbortSignal.timeout(spec.timeoutMs)
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout
    const fault = (error: unknown) => new TransportFault(spec.signal?.aborted ? 'aborted' : timeout.aborted ? 'timeout' : 'network', (error as Error)?.message ?? String(error), { cause: error })
    let response: Response
    try {
      response = await doFetch(url, { method: spec.method ?? 'GET', headers: spec.headers, redirect: spec.redirect ?? 'follow', signal })
    } catch (error) {
      throw fault(error)
    }
    const status = response.status
    let body: Uint8Array
    let over: Error | undefined
    try {
      if (spec.headersOnly) {
        await response.body?.cancel()
        body = new Uint8Array(0)
      } else if (status >= 200 && status < 300) {
        const limit = spec.limit?.(status) ?? DEFAULT_BODY_LIMIT
        const tooLarge = (size: string) => (over = spec.tooLarge?.(size, status) ?? bodyTooLarge(url, size, limit))
        body = await readBodyCapped(response, limit, tooLarge, url)
      } else body = await readPrefix(response, ERROR_BODY_BYTES)
    } catch (error) {
      if (error === over) throw error
      throw fault(error)
    }
    return { status, statusText: response.statusText, url: response.url || url, header: (name) => response.headers.get(name), body, opaqueRedirect: response.type === 'opaqueredirect' }
  }
}

/** The first `max` bytes of a body; the rest is not read. */
async function readPrefix(response: Response, max: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const out = new Uint8Array(max)
  let size = 0
  for (;;) {
    const next = await reader.read()
    if (next.done) break
    const take = Math.min(next.value.length, max - size)
    out.set(next.value.subarray(0, take), size)
    size += take
    if (size === max) {
      await reader.cancel().catch(() => {})
      break
    }
  }
  return out.subarray(0, size)
}

/** The default error for a 2xx body over its limit. */
export function bodyTooLarge(url: string, size: string, limit: number): NetworkError {
  return new NetworkError(`${redact(url)} sent a body of ${size}, more than the ${limit} bytes accepted.`, { url: redact(url), limit })
}

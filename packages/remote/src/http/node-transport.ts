import type * as NodeHttp from 'node:http'
import type * as NodeHttps from 'node:https'
import { InvalidArgumentError, NetworkError } from '@spikes/core'
import { nodeImport } from '@spikes/core/loader-utils'
import { redact } from './http-fetch.js'
import { readAnswerBody, type RawAnswer } from './node-body.js'
import { TransportFault, type HttpAnswer, type HttpRequestSpec, type HttpTransport } from './transport.js'

/** node:http or node:https and its keep-alive Agent, imported on first use (never in a browser bundle). */
interface Protocol {
  request: typeof NodeHttp.request
  agent: NodeHttp.Agent
}

/** Idle connections kept open per host and protocol; busier moments open more, closed when they fall idle. */
export const KEEP_ALIVE_SOCKETS = 32

const MAX_REDIRECTS = 20
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Headers a redirect to another origin does not carry on (fetch drops the same). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization'])
/** Errors of a kept-alive connection that the server had closed while it sat idle: the request is sent again on a new one. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/** Each imported when a URL first needs it: node:https (with TLS) costs start-up time a plain-http reader need not pay. */
const protocols: { 'http:'?: Promise<Protocol>; 'https:'?: Promise<Protocol> } = {}
let maxSocketsPerHost = Infinity

/**
 * Caps the requests this process has open at once to one host through the Node transport (the keep-alive
 * agents' maxSockets; more wait in the agent's queue, in order). Default: no cap. `spikes scan` sets it in
 * each worker process from `--max-requests`. Process-wide, as Node's own `http.globalAgent.maxSockets`.
 */
export function setMaxRequestsPerHost(limit: number): void {
  if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit > 0))) throw new InvalidArgumentError('limit', limit, 'a positive whole number of requests, or Infinity')
  maxSocketsPerHost = limit
  // New agents from here on: an agent reuses an idle connection without looking at maxSockets, and its idle
  // ones are closed, so the cap holds at once; requests in flight finish on the old one.
  for (const scheme of ['http:', 'https:'] as const) {
    const old = protocols[scheme]
    if (!old) continue
    protocols[scheme] = old.then(({ request, agent }) => {
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
      return { request, agent: new (agent.constructor as typeof NodeHttp.Agent)(agentOptions()) }
    })
  }
}

/**
 * Requests made with node:http and node:https rather than fetch: no WHATWG Request, Response or stream per
 * request, bodies read straight into one buffer of their Content-Length. Same contract as fetchTransport:
 * redirects followed (credentials dropped across origins), one deadline for the whole request, body included.
 */
export function nodeTransport(): HttpTransport {
  return nodeRequest
}

async function nodeRequest(url: string, spec: HttpRequestSpec): Promise<HttpAnswer> {
  const deadline = Date.now() + spec.timeoutMs
  let target = httpUrl(url, url)
  let headers = withDefaults(spec.headers ?? {})
  let method = spec.method ?? 'GET'
  for (let hop = 0; ; hop++) {
    const raw = await sendFresh(await protocolOf(target), target, method, headers, spec, deadline)
    const location = raw.headers.location
    if (spec.redirect === 'manual' || !REDIRECT_STATUSES.has(raw.status) || !location) return toAnswer(raw, target.href)
    if (hop === MAX_REDIRECTS) throw new NetworkError(`${redact(url)} redirected more than ${MAX_REDIRECTS} times.`, { url: redact(url), redirects: hop })
    const next = httpUrl(location, target.href)
    if (next.origin !== target.origin) headers = withoutCredentials(headers)
    if (raw.status === 303) method = 'GET'
    target = next
  }
}

function protocolOf(target: URL): Promise<Protocol> {
  const scheme = target.protocol as 'http:' | 'https:'
  return (protocols[scheme] ??= (async () => {
    const options = agentOptions()
    if (scheme === 'http:') {
      const http = await nodeImport<typeof NodeHttp>('node:http')
      return { request: http.request, agent: new http.Agent(options) }
    }
    const https = await nodeImport<typeof NodeHttps>('node:https')
    return { request: https.request, agent: new https.Agent(options) }
  })())
}

function agentOptions(): NodeHttp.AgentOptions {
  return { keepAlive: true, maxFreeSockets: KEEP_ALIVE_SOCKETS, maxSockets: maxSocketsPerHost, scheduling: 'lifo' }
}

function httpUrl(text: string, base: string): URL {
  let parsed: URL
  try {
    parsed = new URL(text, base)
  } catch {
    throw new NetworkError(`${redact(base)} led to ${JSON.stringify(redact(text))}, which is not a URL.`, { url: redact(base) })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new NetworkError(`${redact(base)} led to a ${parsed.protocol} URL; only http and https are followed.`, { url: redact(base) })
  return parsed
}

/** What fetch sends unless told otherwise (some servers refuse a request without them). */
const DEFAULT_HEADERS: Record<string, string> = { accept: '*/*', 'user-agent': 'node' }

function withDefaults(headers: Record<string, string>): Record<string, string> {
  const given = new Set(Object.keys(headers).map((name) => name.toLowerCase()))
  const out = { ...headers }
  for (const [name, value] of Object.entries(DEFAULT_HEADERS)) if (!given.has(name)) out[name] = value
  return out
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) kept[name] = value
  return kept
}

/** One request; sent once more on a new connection when a kept-alive one turns out closed before any answer. */
async function sendFresh(protocol: Protocol, target: URL, method: string, headers: Record<string, string>, spec: HttpRequestSpec, deadline: number): Promise<RawAnswer> {
  try {
    return await send(protocol, target, method, headers, spec, deadline)
  } catch (error) {
    if (!(error instanceof TransportFault && (error as StaleFault).stale)) throw error
    // On a connection of its own: the agent's other idle ones may have been closed as well.
    return send(protocol, target, method, headers, spec, deadline, false)
  }
}

type StaleFault = TransportFault & { stale?: boolean }

function send(protocol: Protocol, target: URL, method: string, headers: Record<string, string>, spec: HttpRequestSpec, deadline: number, pooled = true): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    if (spec.signal?.aborted) return reject(new TransportFault('aborted', 'aborted before it was sent'))
    const request = protocol.request({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.port || undefined,
      path: target.pathname + target.search,
      method,
      headers,
      agent: pooled ? protocol.agent : false,
    })
    let settled = false
    let answered = false
    const settle = (error: Error | undefined, value?: RawAnswer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stopWatching()
      if (error) reject(error)
      else resolve(value as RawAnswer)
    }
    const fail = (error: Error) => {
      if (settled) return
      settle(error)
      request.destroy()
    }
    const timer = setTimeout(() => fail(new TransportFault('timeout', `no complete answer within ${spec.timeoutMs} ms`)), Math.max(0, deadline - Date.now()))
    const stopWatching = spec.signal ? whenAborted(spec.signal, () => fail(new TransportFault('aborted', 'aborted'))) : () => {}
    request.on('error', (error: NodeJS.ErrnoException) => {
      const fault: StaleFault = new TransportFault('network', error.message, { cause: error })
      fault.stale = request.reusedSocket && !answered && STALE_SOCKET_CODES.has(error.code ?? '')
      fail(fault)
    })
    request.on('response', (response) => {
      answered = true
      readAnswerBody(response, method, spec, target.href, settle, fail)
    })
    request.end()
  })
}

/** The requests in flight on each signal: one listener per signal, however many requests share it (no leak warning). */
const watchers = new WeakMap<AbortSignal, Set<() => void>>()

function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let set = watchers.get(signal)
  if (!set) {
    const callbacks = new Set<() => void>()
    signal.addEventListener('abort', () => callbacks.forEach((callback) => callback()), { once: true })
    watchers.set(signal, (set = callbacks))
  }
  set.add(onAbort)
  return () => set.delete(onAbort)
}

function toAnswer(raw: RawAnswer, url: string): HttpAnswer {
  const headers = raw.headers
  return {
    status: raw.status,
    statusText: raw.statusText,
    url,
    header(name) {
      const value = headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
    body: raw.body,
    opaqueRedirect: false,
  }
}

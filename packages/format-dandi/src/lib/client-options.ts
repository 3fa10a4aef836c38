// The DANDI client's connection settings and their check; light (no HTTP code), so the dandi loader's option
// checks import it without loading the client.
import { InvalidArgumentError } from '@spikes/core'

/** The DANDI Archive's public API root, the default `apiBase`. */
export const DANDI_API_BASE = 'https://api.dandiarchive.org/api'

/** Connection settings shared by every DANDI call. */
export interface DandiClientOptions {
  /** API root (default https://api.dandiarchive.org/api); staging or self-hosted archives. */
  apiBase?: string
  /** Personal access token for embargoed dandisets; default: the DANDI_API_TOKEN environment variable. */
  apiToken?: string
  /** Per-request timeout in seconds (default 30). */
  requestTimeoutSeconds?: number
  /** Retries on network errors, 429 and 5xx, with backoff honouring Retry-After (default 4). */
  retries?: number
  /** First backoff in ms (default 250), doubled per attempt. */
  backoffMs?: number
  signal?: AbortSignal
  /** fetch implementation for the API requests (default the global fetch). */
  fetch?: typeof fetch
}

/** Connection settings checked, with defaults filled in. */
export interface ResolvedClient {
  apiBase: string
  token: string | undefined
  http: { retries: number; timeoutMs: number; backoffMs: number; signal?: AbortSignal; fetch?: typeof fetch }
}

/** Validates connection options (before any I/O) and fills in the defaults. */
export function resolveClientOptions(options: DandiClientOptions = {}): ResolvedClient {
  const apiBase = options.apiBase ?? DANDI_API_BASE
  if (typeof apiBase !== 'string' || !/^https?:\/\/[^/]/i.test(apiBase)) throw new InvalidArgumentError('apiBase', apiBase, 'an http(s) URL such as https://api.dandiarchive.org/api')
  const token = options.apiToken ?? envToken()
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || /[\r\n]/.test(token))) throw new InvalidArgumentError('apiToken', '(hidden)', 'a non-empty token string')
  const seconds = options.requestTimeoutSeconds ?? 30
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) throw new InvalidArgumentError('requestTimeoutSeconds', seconds, 'a positive number of seconds')
  const retries = options.retries ?? 4
  if (!(Number.isInteger(retries) && retries >= 0 && retries <= 20)) throw new InvalidArgumentError('retries', retries, 'a whole number from 0 to 20')
  const backoffMs = options.backoffMs ?? 250
  if (!(typeof backoffMs === 'number' && Number.isFinite(backoffMs) && backoffMs >= 0)) throw new InvalidArgumentError('backoffMs', backoffMs, 'a non-negative number of milliseconds')
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new InvalidArgumentError('fetch', options.fetch, 'a fetch function')
  return { apiBase: apiBase.replace(/\/+$/, ''), token, http: { retries, timeoutMs: seconds * 1000, backoffMs, signal: options.signal, fetch: options.fetch } }
}

function envToken(): string | undefined {
  const value = typeof process !== 'undefined' ? process.env?.DANDI_API_TOKEN : undefined
  return value ? value : undefined
}

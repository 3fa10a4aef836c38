// The DANDI client's connection settings and their schema; light (no HTTP code), so the dandi loader's option
// checks import it without loading the client.
import { httpUrlOption, parseOptions, positiveOption } from '@spikes/core/loader-utils'
import { check, custom, description, finite, maxValue, metadata, minValue, number, object, optional, pipe, safeInteger, string } from 'valibot'

/** The DANDI Archive's public API root, the default `apiBase`. */
export const DANDI_API_BASE = 'https://api.dandiarchive.org/api'

/** Connection settings shared by every DANDI call. */
export interface DandiClientOptions {
  /** API root (default: the DANDI_API_URL environment variable, else https://api.dandiarchive.org/api); staging or self-hosted archives. */
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

const RETRIES = 'a whole number from 0 to 20'
const BACKOFF = 'a non-negative number of milliseconds'
const TOKEN = 'a non-empty token string'

/**
 * The connection settings as loader options, shared by the dandi loader's schema (in this order in its
 * options table). No defaults here: they are filled in per request by {@link resolveClientOptions}.
 */
export const dandiClientEntries = {
  // A token goes into an Authorization header: a line break in it would end the header.
  apiToken: optional(pipe(string(TOKEN), check((token) => token !== '' && !/[\r\n]/.test(token), TOKEN), description('Personal access token for embargoed dandisets; default: the DANDI_API_TOKEN environment variable.'), metadata({ secret: true }))),
  apiBase: httpUrlOption(undefined, 'API root (default: the DANDI_API_URL environment variable, else https://api.dandiarchive.org/api): staging or self-hosted archives.', 'an http(s) URL such as https://api.dandiarchive.org/api'),
  requestTimeoutSeconds: positiveOption(undefined, 'a positive number of seconds', 'Per-request timeout in seconds (default 30).'),
  retries: optional(pipe(number(RETRIES), safeInteger(RETRIES), minValue(0, RETRIES), maxValue(20, RETRIES), description('Retries on network errors, 429 and 5xx, with backoff honouring Retry-After (default 4).'))),
  backoffMs: optional(pipe(number(BACKOFF), finite(BACKOFF), minValue(0, BACKOFF), description('First backoff in ms (default 250), doubled per attempt.'))),
}

const clientSchema = object({
  ...dandiClientEntries,
  fetch: optional(custom<typeof fetch>((value) => typeof value === 'function', 'a fetch function')),
})

/**
 * Validates connection options (before any I/O) against {@link dandiClientEntries}, the token and API root from
 * the environment included, and fills in the defaults. Other keys of `options` (a listing's pageSize) are not its
 * concern and are left to their caller.
 */
export function resolveClientOptions(options: DandiClientOptions = {}): ResolvedClient {
  const given = { apiBase: options.apiBase ?? envValue('DANDI_API_URL'), apiToken: options.apiToken ?? envValue('DANDI_API_TOKEN'), requestTimeoutSeconds: options.requestTimeoutSeconds, retries: options.retries, backoffMs: options.backoffMs, fetch: options.fetch }
  const o = parseOptions('dandi', clientSchema, Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)))
  const http = { retries: o.retries ?? 4, timeoutMs: (o.requestTimeoutSeconds ?? 30) * 1000, backoffMs: o.backoffMs ?? 250, signal: options.signal, fetch: o.fetch }
  return { apiBase: o.apiBase ?? DANDI_API_BASE, token: o.apiToken, http }
}

/** DANDI_API_TOKEN, and DANDI_API_URL (the API root spikes scan also reads): so every command talks to one archive. */
function envValue(name: 'DANDI_API_TOKEN' | 'DANDI_API_URL'): string | undefined {
  const value = typeof process !== 'undefined' ? process.env?.[name] : undefined
  return value ? value : undefined
}

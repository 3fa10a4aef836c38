import { NetworkError, type LoadContext } from '@spikes/core'
import { fetchWithRetry, redact } from '@spikes/remote'
import { isAuthFailure, type AlyxAuth } from './auth.js'
import type { HttpSettings, OneCache } from './cache.js'

/** A JSON answer and where it came from. */
export interface RestAnswer<T = unknown> {
  readonly body: T
  readonly fromCache: boolean
}

export interface AlyxClientOptions {
  baseUrl: string
  mode: 'remote' | 'local'
  http: HttpSettings
  cache: OneCache
  /** Logs in and gives the Authorization header (Alyx origin only). */
  auth: AlyxAuth
  /** Called once when the server cannot be reached and recorded answers are used instead. */
  onOffline?: (error: NetworkError) => void
}

/** True for failures that mean "the server could not be reached or did not answer", not "it answered no". */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: string; details?: { status?: number } }
  if (e?.code !== 'SPIKES_NETWORK') return false
  const status = e.details?.status
  return status === undefined || status >= 500 || status === 408 || status === 429
}

function cacheKey(path: string): string {
  return `.spikes-ibl/rest/${path.replace(/^\/+/, '').replace(/[^\w.-]+/g, '_').slice(0, 180)}.json`
}

/**
 * The few Alyx REST calls the loaders make (GET only). Answers are recorded in the cache folder, so a
 * session loaded once loads again offline; in 'local' mode nothing goes over the network.
 */
export class AlyxClient {
  private offline = false
  constructor(private readonly options: AlyxClientOptions) {}

  /** Stop asking the server for the rest of this load (it was found unreachable). */
  goOffline(): void {
    this.offline = true
  }

  get isOffline(): boolean {
    return this.offline || this.options.mode === 'local'
  }

  url(path: string): string {
    return `${this.options.baseUrl}/${path.replace(/^\/+/, '')}`
  }

  /** GET a REST path (`sessions/<eid>`, `datasets?session=<eid>`); follows Alyx pagination for lists. */
  async get<T = unknown>(path: string): Promise<RestAnswer<T>> {
    const key = cacheKey(path)
    if (this.isOffline) {
      const recorded = (await this.options.cache.readJson(key)) as [T, string] | undefined
      if (recorded) return { body: recorded[0], fromCache: true }
      throw new NetworkError(`${this.options.mode === 'local' ? "mode is 'local' and" : 'Alyx is unreachable and'} the cache has no recorded answer for ${path}.`, { url: redact(this.url(path)), offline: true })
    }
    try {
      const body = (await this.authenticated(() => this.fetchAll(this.url(path)))) as T
      await this.options.cache.writeJson(key, [body, new Date().toISOString()]).catch(() => {})
      return { body, fromCache: false }
    } catch (error) {
      if (!isUnreachable(error)) throw error
      const recorded = (await this.options.cache.readJson(key)) as [T, string] | undefined
      if (!recorded) throw error
      this.offline = true
      this.options.onOffline?.(error as NetworkError)
      return { body: recorded[0], fromCache: true }
    }
  }

  /** Runs `request` logged in; when Alyx answers 403 "Invalid token." (or no credentials), logs in again once and retries. */
  private async authenticated<T>(request: () => Promise<T>): Promise<T> {
    await this.options.auth.ensureToken()
    try {
      return await request()
    } catch (error) {
      if (!isAuthFailure(error)) throw error
      await this.options.auth.renew()
      return request()
    }
  }

  private async fetchJson(url: string): Promise<unknown> {
    const { http, auth } = this.options
    const response = await fetchWithRetry(url, { headers: { Accept: 'application/json', ...auth.headersFor(url) } }, { fetch: http.fetch, timeoutMs: http.timeoutMs, retries: http.retries, signal: http.signal })
    const text = await response.text()
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new NetworkError(`Alyx answered ${redact(url)} with something that is not JSON (${text.slice(0, 80)}).`, { url: redact(url), status: response.status }, { cause: error })
    }
  }

  private async fetchAll(url: string): Promise<unknown> {
    const first = await this.fetchJson(url)
    if (!first || typeof first !== 'object' || Array.isArray(first) || !('results' in first) || !('count' in first)) return first
    const page = first as { results: unknown[]; next?: string | null }
    const results = [...page.results]
    let next = page.next
    for (let i = 0; next && i < 1000; i++) {
      const more = (await this.fetchJson(next)) as { results?: unknown[]; next?: string | null }
      results.push(...(more.results ?? []))
      next = more.next
    }
    return results
  }
}

export function warnOffline(context: LoadContext): (error: NetworkError) => void {
  return (error) =>
    context.warn('SPIKES_WARN_IBL_OFFLINE', `The IBL server could not be reached (${error.message}); using the answers and files recorded in the cache.`, { url: (error.details as { url?: string }).url })
}

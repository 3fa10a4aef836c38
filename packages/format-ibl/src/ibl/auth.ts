import { nodeImport } from '@spikes/core/loader-utils'
import { NetworkError } from '@spikes/core'
import { fetchWithRetry, redact } from '@spikes/remote'
import type { HttpSettings } from './cache.js'

import { PUBLIC_ALYX_PASSWORD, PUBLIC_ALYX_USER } from '../options.js'

export interface AlyxCredentials {
  username: string
  password: string
  /** A token to start with (skips the first login); replaced when Alyx calls it invalid. */
  token?: string
}

/** Where tokens are kept between loads: memory always, plus a file in the cache folder under Node. */
export interface TokenStore {
  read(key: string): Promise<string | undefined>
  write(key: string, token: string | undefined): Promise<void>
}

const remembered = new Map<string, string>()

/** Tokens in memory (this page or process) and, when `cacheRoot` is a folder, in `<cacheRoot>/.spikes-ibl/tokens/` (mode 0600). */
export function tokenStore(cacheRoot: string | undefined): TokenStore {
  const file = async (key: string) => {
    const path = await nodeImport<typeof import('node:path')>('node:path')
    return path.join(cacheRoot!, '.spikes-ibl', 'tokens', `${key.replace(/[^\w.@-]+/g, '_')}.json`)
  }
  return {
    async read(key) {
      const known = remembered.get(key)
      if (known || !cacheRoot) return known
      try {
        const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
        const token = (JSON.parse(await fs.readFile(await file(key), 'utf8')) as { token?: unknown }).token
        return typeof token === 'string' && token ? token : undefined
      } catch {
        return undefined
      }
    },
    async write(key, token) {
      if (token) remembered.set(key, token)
      else remembered.delete(key)
      if (!cacheRoot) return
      try {
        const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
        const path = await nodeImport<typeof import('node:path')>('node:path')
        const target = await file(key)
        if (!token) return await fs.rm(target, { force: true })
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 })
        await fs.writeFile(target, JSON.stringify({ token }), { mode: 0o600 })
      } catch {
        // A token that cannot be kept only costs a login next time.
      }
    },
  }
}

/** True for Alyx's answers that mean "log in (again)": 403 "Invalid token." or "Authentication credentials were not provided.". */
export function isAuthFailure(error: unknown): boolean {
  const e = error as { code?: string; details?: { status?: number }; message?: string }
  return e?.code === 'SPIKES_NETWORK' && (e.details?.status === 403 || e.details?.status === 401) && /Invalid token|credentials were not provided/i.test(e.message ?? '')
}

/**
 * Logs in to Alyx as ONE does (POST `/auth-token` with username and password, answer `{token}`), keeps the
 * token, and gives the `Authorization: Token …` header for requests to the Alyx origin only: never to the
 * file server, the public bucket or any other host.
 */
export class AlyxAuth {
  private token: string | undefined
  private readonly origin: string
  private readonly key: string

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: AlyxCredentials,
    private readonly store: TokenStore,
    private readonly http: HttpSettings,
  ) {
    this.origin = new URL(baseUrl).origin
    this.key = `${credentials.username}@${new URL(baseUrl).host}`
    this.token = credentials.token
  }

  /** Headers for a request to `url`: the token only when `url` is on the Alyx origin. */
  headersFor(url: string): Record<string, string> {
    if (!this.token) return {}
    try {
      return new URL(url).origin === this.origin ? { Authorization: `Token ${this.token}` } : {}
    } catch {
      return {}
    }
  }

  /** A token to send: the one given, the one kept from an earlier load, or a fresh login. */
  async ensureToken(): Promise<void> {
    this.token ??= await this.store.read(this.key)
    if (!this.token) await this.login()
  }

  /** Alyx refused the token: forget it and log in again. */
  async renew(): Promise<void> {
    this.token = undefined
    await this.store.write(this.key, undefined)
    await this.login()
  }

  private async login(): Promise<void> {
    const url = `${this.baseUrl}/auth-token`
    const { username, password } = this.credentials
    let response: Response
    try {
      response = await fetchWithRetry(
        url,
        { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ username, password }) },
        { fetch: this.http.fetch, timeoutMs: this.http.timeoutMs, retries: this.http.retries, signal: this.http.signal },
      )
    } catch (error) {
      const status = (error as NetworkError).details?.status as number | undefined
      if (status === 400 || status === 401 || status === 403) {
        throw new NetworkError(`Alyx at ${redact(this.baseUrl)} refused the login of user '${username}' (HTTP ${status}). Check the username and password options (the public server takes ${PUBLIC_ALYX_USER} / ${PUBLIC_ALYX_PASSWORD}).`, { url: redact(url), status, authRequired: true, username })
      }
      throw error
    }
    const body = (await response.json().catch(() => undefined)) as { token?: unknown } | undefined
    if (typeof body?.token !== 'string' || !body.token) throw new NetworkError(`Alyx at ${redact(this.baseUrl)} answered the login without a token.`, { url: redact(url), status: response.status })
    this.token = body.token
    await this.store.write(this.key, body.token)
  }
}

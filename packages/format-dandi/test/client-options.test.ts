import { afterEach, describe, expect, it, vi } from 'vitest'
import { dandiLoader } from '../src/index.js'
import { resolveClientOptions } from '../src/lib/client-options.js'

describe('resolveClientOptions: the connection settings, checked by their schema', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('fills in the defaults and drops a trailing slash from apiBase', () => {
    vi.stubEnv('DANDI_API_TOKEN', '')
    vi.stubEnv('DANDI_API_URL', '')
    expect(resolveClientOptions()).toEqual({ apiBase: 'https://api.dandiarchive.org/api', token: undefined, http: { retries: 4, timeoutMs: 30_000, backoffMs: 250, signal: undefined, fetch: undefined } })
    const signal = new AbortController().signal
    expect(resolveClientOptions({ apiBase: 'http://127.0.0.1:9/api//', requestTimeoutSeconds: 0.5, retries: 0, backoffMs: 0, signal, apiToken: 'abc' })).toEqual({
      apiBase: 'http://127.0.0.1:9/api',
      token: 'abc',
      http: { retries: 0, timeoutMs: 500, backoffMs: 0, signal, fetch: undefined },
    })
  })

  it('says what each setting takes, in the words the loader options use', () => {
    const cases: [object, string, string][] = [
      [{ apiBase: 'ftp://x' }, 'apiBase', 'Invalid apiBase: got "ftp://x"; expected an http(s) URL such as https://api.dandiarchive.org/api.'],
      [{ requestTimeoutSeconds: 0 }, 'requestTimeoutSeconds', 'Invalid requestTimeoutSeconds: got 0; expected a positive number of seconds.'],
      [{ retries: 2.5 }, 'retries', 'Invalid retries: got 2.5; expected a whole number from 0 to 20.'],
      [{ retries: 21 }, 'retries', 'Invalid retries: got 21; expected a whole number from 0 to 20.'],
      [{ backoffMs: -1 }, 'backoffMs', 'Invalid backoffMs: got -1; expected a non-negative number of milliseconds.'],
      [{ fetch: 'no' }, 'fetch', 'Invalid fetch: got "no"; expected a fetch function.'],
    ]
    for (const [options, argument, message] of cases) {
      expect(() => resolveClientOptions(options as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument, message }))
      const loaderOptions = argument === 'fetch' ? null : options
      if (loaderOptions) expect(() => dandiLoader.parseOptions(loaderOptions)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument, message }))
    }
  })

  it('never shows a token, given or from DANDI_API_TOKEN, and refuses a line break in it', () => {
    for (const apiToken of ['', 'a\r\nX-Evil: 1', 5]) {
      const error = (() => {
        try {
          return resolveClientOptions({ apiToken } as never)
        } catch (e) {
          return e
        }
      })()
      expect(error).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'apiToken', received: '<redacted>', message: 'Invalid apiToken: got "<redacted>"; expected a non-empty token string.' })
      expect(JSON.stringify(error)).not.toContain('X-Evil')
    }
    vi.stubEnv('DANDI_API_TOKEN', 'tok\nen')
    expect(() => resolveClientOptions()).toThrow(expect.objectContaining({ argument: 'apiToken', received: '<redacted>' }))
    expect(() => dandiLoader.parseOptions({})).toThrow(expect.objectContaining({ argument: 'apiToken' }))
    vi.stubEnv('DANDI_API_TOKEN', 'from-env')
    expect(resolveClientOptions().token).toBe('from-env')
    expect(resolveClientOptions({ apiToken: 'given' }).token).toBe('given')
  })

  it('takes the API root from DANDI_API_URL (as spikes scan does) when apiBase is not given, and checks it', () => {
    vi.stubEnv('DANDI_API_URL', 'http://127.0.0.1:9/api/')
    expect(resolveClientOptions().apiBase).toBe('http://127.0.0.1:9/api')
    expect(resolveClientOptions({ apiBase: 'http://127.0.0.1:8/api' }).apiBase).toBe('http://127.0.0.1:8/api')
    vi.stubEnv('DANDI_API_URL', 'ftp://x')
    expect(() => resolveClientOptions()).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'apiBase', received: 'ftp://x' }))
    vi.stubEnv('DANDI_API_URL', '')
    expect(resolveClientOptions().apiBase).toBe('https://api.dandiarchive.org/api')
  })

  it('leaves keys that are not connection settings to their caller', () => {
    vi.stubEnv('DANDI_API_URL', '')
    expect(resolveClientOptions({ pageSize: 0, version: 'a/b' } as never).apiBase).toBe('https://api.dandiarchive.org/api')
  })
})

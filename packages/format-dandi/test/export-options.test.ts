import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkExportOptions } from '../src/lib/export-options.js'

describe("exportRecordingFromDandi's options, checked by their schema before any I/O", () => {
  afterEach(() => vi.unstubAllEnvs())

  it('fills in the defaults; download follows keepNwb and downloadDir; zlib level 0 means no compression', () => {
    vi.stubEnv('DANDI_API_TOKEN', '')
    expect(checkExportOptions({})).toEqual({
      dandisetId: null, version: 'draft', electricalSeriesPath: null, overwrite: false, download: false, downloadDir: null, keepNwb: false,
      stallTimeoutMs: 600_000, verifyDigest: true, chunkSamples: null, zlibLevel: 1, traces: 'raw',
      client: { apiBase: undefined, apiToken: undefined, requestTimeoutSeconds: undefined, retries: undefined, backoffMs: undefined, signal: undefined, fetch: undefined },
      onProgress: undefined, onWarning: undefined,
    })
    expect(checkExportOptions({ keepNwb: true })).toMatchObject({ download: true, keepNwb: true })
    expect(checkExportOptions({ downloadDir: '/tmp/x', compression: 'none', compressionLevel: 9 })).toMatchObject({ download: true, downloadDir: '/tmp/x', zlibLevel: 0 })
    expect(checkExportOptions({ dandisetId: '000006', version: '0.230629.1955', chunkSamples: 3000, compressionLevel: 6, traces: 'scaled', downloadTimeoutSeconds: 2 })).toMatchObject({ dandisetId: '000006', version: '0.230629.1955', chunkSamples: 3000, zlibLevel: 6, traces: 'scaled', stallTimeoutMs: 2000 })
    // SpikeLab's snake_case names are aliases, null is "not given", as for loader options.
    expect(checkExportOptions({ electrical_series_path: 'acquisition/ES', dandisetId: null } as never)).toMatchObject({ electricalSeriesPath: 'acquisition/ES', dandisetId: null })
    // What reaches the transfer is the checked value, whichever spelling it came under.
    const signal = new AbortController().signal
    const onProgress = () => {}
    expect(checkExportOptions({ api_base: 'http://127.0.0.1:9/api/', request_timeout_seconds: 2, signal, on_progress: onProgress } as never)).toMatchObject({ client: { apiBase: 'http://127.0.0.1:9/api', requestTimeoutSeconds: 2, signal }, onProgress })
  })

  it('says what each option takes', () => {
    const cases: [object, string, string][] = [
      [{ traces: 'volts' }, 'traces', `Invalid traces: got "volts"; expected 'raw' or 'scaled'.`],
      [{ chunkSamples: 0 }, 'chunkSamples', 'Invalid chunkSamples: got 0; expected a whole number of samples >= 1.'],
      [{ compressionLevel: 10 }, 'compressionLevel', 'Invalid compressionLevel: got 10; expected a whole number from 1 to 9.'],
      [{ compression: 'gzip' }, 'compression', `Invalid compression: got "gzip"; expected 'zlib' or 'none'.`],
      [{ version: 'a/b' }, 'version', `Invalid version: got "a/b"; expected 'draft' or a published version.`],
      [{ dandisetId: '6' }, 'dandisetId', `Invalid dandisetId: got "6"; expected a six-digit dandiset id such as '000006'.`],
      [{ overwrite: 'yes' }, 'overwrite', 'Invalid overwrite: got "yes"; expected true or false.'],
      [{ downloadTimeoutSeconds: -1 }, 'downloadTimeoutSeconds', 'Invalid downloadTimeoutSeconds: got -1; expected a positive number of seconds.'],
      [{ download: false, keepNwb: true }, 'download', 'Invalid download: got false; expected true (or omitted) with keepNwb or downloadDir.'],
      [{ onProgress: 3 }, 'onProgress', 'Invalid onProgress: got 3; expected a function.'],
      [{ signal: {} }, 'signal', 'Invalid signal: got an object (empty); expected an AbortSignal.'],
      [{ retries: 21 }, 'retries', 'Invalid retries: got 21; expected a whole number from 0 to 20.'],
    ]
    for (const [options, argument, message] of cases) expect(() => checkExportOptions(options as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument, message }))
  })

  it('names an unknown option with the closest known one, and never shows a token', () => {
    expect(() => checkExportOptions({ chunkSample: 5 } as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'chunkSample', suggestion: 'chunkSamples' }))
    expect(() => checkExportOptions({ apiToken: '' })).toThrow(expect.objectContaining({ argument: 'apiToken', received: '<redacted>' }))
    vi.stubEnv('DANDI_API_TOKEN', 'a\nb')
    expect(() => checkExportOptions({})).toThrow(expect.objectContaining({ argument: 'apiToken', received: '<redacted>' }))
  })
})

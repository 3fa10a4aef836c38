import { InvalidArgumentError } from '@spikes/core'
import { resolveClientOptions, type DandiClientOptions } from './lib/client.js'

/**
 * Options of the `dandi` loader and loadSpikeDataFromDandi: SpikeLab's load_spikedata_from_dandi keyword
 * arguments in lowerCamelCase, plus the port's transfer settings.
 */
export interface DandiOptions extends Omit<DandiClientOptions, 'signal' | 'fetch'> {
  /** Owning dandiset (e.g. '000006'): recorded in the provenance (dandi:// inputs carry it). */
  dandisetId?: string | null
  /** Dandiset version (default 'draft'): recorded in the provenance, and the version dandi:// paths are looked up in. */
  version?: string
  /**
   * Download the whole file instead of reading it with Range requests (default false): to a temporary file
   * under Node, into memory in a browser (where Range reads need a Web Worker).
   */
  download?: boolean
  /** Keep the downloaded file in this folder (created when missing) and record it as metadata.downloaded_path. Implies download. Node only. */
  downloadDir?: string | null
  /** With download: no byte for this many seconds aborts an attempt, which is then resumed (default 600, SpikeLab's). */
  downloadTimeoutSeconds?: number
  /** Check the SHA-256 digest the API gives (default true). */
  verifyDigest?: boolean
  /** Passed to the nwb loader. */
  allowNoUnits?: boolean
  lengthMs?: number | null
  startTimeMs?: number | null
  unitsTable?: string | null
  columns?: string[] | null
  /** Accepted for SpikeLab compatibility (it forwarded prefer_pynwb=True); the port has one NWB reader. */
  preferPynwb?: boolean
}

/** {@link DandiOptions} after {@link checkDandiOptions}: defaults filled in, grouped by where they go. */
export interface CheckedDandiOptions {
  dandisetId: string | null
  version: string
  /** True when asked for, or when downloadDir is given. */
  download: boolean
  downloadDir: string | null
  /** downloadTimeoutSeconds in ms (default 600000). */
  stallTimeoutMs: number
  verifyDigest: boolean
  /** The connection options as given (validated; defaults are applied per request). */
  client: DandiClientOptions
  /** The options passed on to the nwb loader, only those given. */
  nwb: { allowNoUnits?: boolean; lengthMs?: number | null; startTimeMs?: number | null; unitsTable?: string | null; columns?: string[] | null }
}

const KNOWN = new Set([
  'dandisetId', 'version', 'download', 'downloadDir', 'downloadTimeoutSeconds', 'verifyDigest', 'apiToken', 'apiBase', 'requestTimeoutSeconds', 'retries', 'backoffMs',
  'allowNoUnits', 'lengthMs', 'startTimeMs', 'unitsTable', 'columns', 'preferPynwb',
])

/** Validates every option before any I/O. */
export function checkDandiOptions(options: unknown): CheckedDandiOptions {
  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('options', options, 'an object of dandi loader options')
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new InvalidArgumentError(key, key === 'apiToken' ? '(hidden)' : o[key], `a known dandi option (${[...KNOWN].join(', ')})`)
  }
  const dandisetId = o.dandisetId ?? null
  if (dandisetId !== null && !(typeof dandisetId === 'string' && /^\d{6}$/.test(dandisetId))) throw new InvalidArgumentError('dandisetId', dandisetId, "a six-digit dandiset id such as '000006'")
  const version = o.version ?? 'draft'
  if (!(typeof version === 'string' && /^(draft|\d+\.\d+\.\d+)$/.test(version))) throw new InvalidArgumentError('version', version, "'draft' or a published version such as '0.230629.1955'")
  const downloadDir = o.downloadDir ?? null
  if (downloadDir !== null && !(typeof downloadDir === 'string' && downloadDir.length > 0)) throw new InvalidArgumentError('downloadDir', downloadDir, 'a folder path')
  const download = o.download ?? downloadDir !== null
  if (typeof download !== 'boolean') throw new InvalidArgumentError('download', download, 'true or false')
  if (download === false && downloadDir !== null) throw new InvalidArgumentError('download', download, 'true (or omitted) when downloadDir is given')
  const seconds = o.downloadTimeoutSeconds ?? 600
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) throw new InvalidArgumentError('downloadTimeoutSeconds', seconds, 'a positive number of seconds')
  const verifyDigest = o.verifyDigest ?? true
  if (typeof verifyDigest !== 'boolean') throw new InvalidArgumentError('verifyDigest', verifyDigest, 'true or false')
  if (o.preferPynwb !== undefined && typeof o.preferPynwb !== 'boolean') throw new InvalidArgumentError('preferPynwb', o.preferPynwb, 'true or false')
  const client: DandiClientOptions = {
    apiBase: o.apiBase as string | undefined,
    apiToken: o.apiToken as string | undefined,
    requestTimeoutSeconds: o.requestTimeoutSeconds as number | undefined,
    retries: o.retries as number | undefined,
    backoffMs: o.backoffMs as number | undefined,
  }
  resolveClientOptions(client)
  const nwb: CheckedDandiOptions['nwb'] = {}
  for (const key of ['allowNoUnits', 'lengthMs', 'startTimeMs', 'unitsTable', 'columns'] as const) {
    if (o[key] !== undefined) (nwb as Record<string, unknown>)[key] = o[key]
  }
  return { dandisetId: dandisetId as string | null, version, download, downloadDir: downloadDir as string | null, stallTimeoutMs: seconds * 1000, verifyDigest, client, nwb }
}

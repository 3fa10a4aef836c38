import { InvalidArgumentError } from '@spikes/core'

/** Options of the `alf` loader (an ALF folder: a ONE cache session, or any ALF export). */
export interface AlfOptions {
  /** Collection holding the spikes, relative to the folder ('alf/probe00/pykilosort'); default: the only one that has spikes. */
  collection?: string | null
  /** Revision label (without '#'): each dataset is taken from the latest revision not after it. Default: the latest. */
  revision?: string | null
  /** Recording length in ms (default: last spike + one float step). */
  lengthMs?: number | null
  /** Keep only clusters labelled good (label == 1 in clusters.metrics or clusters.label). */
  goodOnly?: boolean
  /** Keep only these cluster ids, in this order (a cluster without spikes gets an empty train). */
  clusterIds?: number[] | null
  /** Group spikes.amps and spikes.depths per unit (neuron attributes `amplitudes`, `spike_depths`). Default true. */
  spikeAttributes?: boolean
  /** Read the trials object into metadata. Default true. */
  trials?: boolean
}

/**
 * {@link AlfOptions} after {@link checkAlfOptions}: null read as absent, defaults filled in (goodOnly false,
 * spikeAttributes and trials true), collection without leading/trailing slashes (backslashes as '/'), revision without '#'.
 */
export interface ResolvedAlfOptions {
  collection: string | undefined
  revision: string | undefined
  lengthMs: number | undefined
  goodOnly: boolean
  clusterIds: number[] | undefined
  spikeAttributes: boolean
  trials: boolean
}

function checkKnown(raw: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const [k, v] of Object.entries(raw)) if (!known.includes(k)) throw new InvalidArgumentError(k, v, `a known ${what} option (${known.join(', ')})`)
}

function asObject(input: unknown, what: string): Record<string, unknown> {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) throw new InvalidArgumentError('options', input, `an object of ${what} loader options`)
  return (input ?? {}) as Record<string, unknown>
}

export function checkLengthMs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError('lengthMs', v, 'a finite number of milliseconds >= 0')
  return v
}

function optionalText(raw: Record<string, unknown>, name: string, expected: string): string | undefined {
  const v = raw[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(name, v, expected)
  return v
}

function optionalBoolean(raw: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = raw[name]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') throw new InvalidArgumentError(name, v, 'true or false')
  return v
}

const ALF_KNOWN = ['collection', 'revision', 'lengthMs', 'goodOnly', 'clusterIds', 'spikeAttributes', 'trials'] as const

export function checkCollection(v: string | undefined, name = 'collection'): string | undefined {
  if (v === undefined) return undefined
  const clean = v.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')
  if (clean.split('/').some((p) => p === '..' || p === '.' || p.startsWith('#'))) throw new InvalidArgumentError(name, v, "a collection path such as 'alf/probe00/pykilosort' (no '..', no revision folder)")
  return clean
}

export function checkRevision(v: string | undefined): string | undefined {
  if (v === undefined) return undefined
  const clean = v.replace(/^#|#$/g, '')
  if (!/^[\w-]+$/.test(clean)) throw new InvalidArgumentError('revision', v, "a revision label such as '2024-05-06'")
  return clean
}

/** Validates every `alf` option before any I/O. */
export function checkAlfOptions(input: unknown): ResolvedAlfOptions {
  const raw = asObject(input, 'alf')
  checkKnown(raw, ALF_KNOWN, 'alf')
  let clusterIds: number[] | undefined
  if (raw.clusterIds !== undefined && raw.clusterIds !== null) {
    const ids = raw.clusterIds
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) throw new InvalidArgumentError('clusterIds', ids, 'an array of non-negative integer cluster ids')
    clusterIds = ids as number[]
  }
  return {
    collection: checkCollection(optionalText(raw, 'collection', "a collection path such as 'alf/probe00/pykilosort'")),
    revision: checkRevision(optionalText(raw, 'revision', "a revision label such as '2024-05-06'")),
    lengthMs: checkLengthMs(raw.lengthMs),
    goodOnly: optionalBoolean(raw, 'goodOnly', false),
    clusterIds,
    spikeAttributes: optionalBoolean(raw, 'spikeAttributes', true),
    trials: optionalBoolean(raw, 'trials', true),
  }
}

/** Options of the `ibl` loader: one probe of an IBL session, through Alyx and the public file server. */
export interface IblOptions {
  /** Session (experiment) UUID; also given by the input URL ibl://<eid>/<pid>. */
  eid?: string
  /** Probe insertion UUID. */
  pid?: string
  lengthMs?: number | null
  /** Load spikes from this collection only (skips the probe-collection search). */
  collection?: string | null
  /** ONE-style cache folder (Node); default `~/Downloads/ONE/<alyx host>` as ONE. */
  cacheDir?: string | null
  /** 'remote' (default): ask Alyx, download what is missing, fall back to the cache when offline. 'local': cache only. */
  mode?: 'remote' | 'local'
  /** Alyx REST base URL (default https://openalyx.internationalbrainlab.org). */
  baseUrl?: string
  /** The Brain-Wide Map unit table (URL or local path to a parquet/CSV table with eid, pid, cluster_id, label, Beryl). */
  unitsTable?: string
  /** Expected MD5 of the unit table, when known. */
  unitsTableMd5?: string | null
  /** Per-request timeout (ms, default 30000) and retries (default 3) for Alyx and downloads. */
  timeoutMs?: number
  retries?: number
  /** Alyx token for non-public servers (sent as `Authorization: Token ...`). */
  token?: string | null
}

/** The public IBL Alyx server: the `ibl` loader's default baseUrl; {@link queryIblProbes}'s default cache is `~/Downloads/ONE/<its host>`. */
export const DEFAULT_ALYX_URL = 'https://openalyx.internationalbrainlab.org'
/** The Brain-Wide Map aggregate clusters table on the public bucket (see the README on Beryl regions). */
export const DEFAULT_UNITS_TABLE = 'https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/2024_Q2_IBL_et_al_BWM/clusters.pqt'

/**
 * {@link IblOptions} after {@link checkIblOptions}: null read as absent, defaults filled in (mode 'remote',
 * baseUrl {@link DEFAULT_ALYX_URL} without trailing '/', unitsTable {@link DEFAULT_UNITS_TABLE}, timeoutMs 30000,
 * retries 3), eid, pid and unitsTableMd5 lowercased.
 */
export interface ResolvedIblOptions {
  eid: string | undefined
  pid: string | undefined
  lengthMs: number | undefined
  collection: string | undefined
  cacheDir: string | undefined
  mode: 'remote' | 'local'
  baseUrl: string
  unitsTable: string
  unitsTableMd5: string | undefined
  timeoutMs: number
  retries: number
  token: string | undefined
}

const IBL_KNOWN = ['eid', 'pid', 'lengthMs', 'collection', 'cacheDir', 'mode', 'baseUrl', 'unitsTable', 'unitsTableMd5', 'timeoutMs', 'retries', 'token'] as const
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function checkUuid(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || !UUID.test(v)) throw new InvalidArgumentError(name, v, 'a UUID string (8-4-4-4-12 hexadecimal digits)')
  return v.toLowerCase()
}

function checkUrl(v: unknown, name: string, fallback: string): string {
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'string' || !/^https?:\/\/[^/]+/i.test(v)) throw new InvalidArgumentError(name, v, 'an http(s) URL')
  return v.replace(/\/+$/, '')
}

function checkCount(v: unknown, name: string, fallback: number, min: number): number {
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(name, v, `an integer >= ${min}`)
  return v
}

/** Validates every `ibl` option before any I/O. */
export function checkIblOptions(input: unknown): ResolvedIblOptions {
  const raw = asObject(input, 'ibl')
  checkKnown(raw, IBL_KNOWN, 'ibl')
  const mode = raw.mode ?? 'remote'
  if (mode !== 'remote' && mode !== 'local') throw new InvalidArgumentError('mode', mode, "'remote' or 'local'")
  const unitsTable = raw.unitsTable ?? DEFAULT_UNITS_TABLE
  if (typeof unitsTable !== 'string' || unitsTable.trim() === '') throw new InvalidArgumentError('unitsTable', unitsTable, 'a URL or a path to the Brain-Wide Map unit table')
  const md5 = raw.unitsTableMd5
  if (md5 !== undefined && md5 !== null && (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/i.test(md5))) throw new InvalidArgumentError('unitsTableMd5', md5, 'an MD5 digest (32 hexadecimal digits)')
  const token = raw.token
  if (token !== undefined && token !== null && (typeof token !== 'string' || token === '')) throw new InvalidArgumentError('token', '<redacted>', 'an Alyx token string')
  return {
    eid: checkUuid(raw.eid, 'eid'),
    pid: checkUuid(raw.pid, 'pid'),
    lengthMs: checkLengthMs(raw.lengthMs),
    collection: checkCollection(optionalText(raw, 'collection', "a collection path such as 'alf/probe00/pykilosort'")),
    cacheDir: optionalText(raw, 'cacheDir', 'a folder path'),
    mode,
    baseUrl: checkUrl(raw.baseUrl, 'baseUrl', DEFAULT_ALYX_URL),
    unitsTable,
    unitsTableMd5: typeof md5 === 'string' ? md5.toLowerCase() : undefined,
    timeoutMs: checkCount(raw.timeoutMs, 'timeoutMs', 30_000, 1),
    retries: checkCount(raw.retries, 'retries', 3, 0),
    token: typeof token === 'string' ? token : undefined,
  }
}

/** Options of queryIblProbes (SpikeLab's query_ibl_probes keyword arguments). */
export interface QueryIblProbesOptions {
  /** Beryl region acronyms; null/undefined = no region filter. */
  targetRegions?: string[] | null
  minUnits?: number
  minFractionInTarget?: number
  unitsTable?: string
  unitsTableMd5?: string | null
  cacheDir?: string | null
  mode?: 'remote' | 'local'
  timeoutMs?: number
  retries?: number
  /** fetch implementation for downloading the unit table (default the global fetch). */
  fetch?: typeof fetch
  signal?: AbortSignal
  /** Called with SPIKES_WARN_IBL_OFFLINE when the unit table cannot be downloaded and the cached copy is used. */
  onWarning?: (warning: { code: string; message: string; details?: Record<string, unknown> }) => void
}

import { InvalidArgumentError } from '@spikes/core'
import { PUBLIC_ALYX_PASSWORD, PUBLIC_ALYX_USER } from './ibl/auth.js'
import { BWM_DEFAULT_CRITERIA, type BwmCriteria } from './ibl/bwm-units.js'
import { asObject, checkCollection, checkKnown, checkLengthMs, checkRevision, optionalText } from './options.js'

/** bwm_units' criteria as options (SpikeLab's keyword arguments in lowerCamelCase); null turns one off. */
export interface BwmUnitsOptions {
  minQc?: number | null
  minErrors?: number | null
  minUnitsSessions?: [number, number] | null
}

/** The Brain-Wide Map tables options shared by the `ibl` loader and queryIblProbes. */
export interface BwmTableOptions {
  /** Release tag of the aggregate tables (default '2024_Q2_IBL_et_al_BWM'): `aggregates/<release>/clusters.pqt` and `trials.pqt` on the public bucket. */
  release?: string
  /** The unit table (URL or local path): the release's clusters.pqt by default; a table with a Beryl column is used as it is. */
  unitsTable?: string
  /** Expected MD5 of the unit table (else the bucket's ETag, when it is an MD5, is checked). */
  unitsTableMd5?: string | null
  /** The trials aggregate for bwm_units' session criterion: `trials.pqt` beside a `clusters.pqt` by default; null: not applied. */
  trialsTable?: string | null
  /** bwm_units' criteria, for a table without Beryl (default { minQc: 1, minErrors: 3, minUnitsSessions: [10, 2] }); false: none. */
  bwmUnits?: BwmUnitsOptions | false
}

/** Options of the `ibl` loader: one probe of an IBL session, through Alyx and the public file server. */
export interface IblOptions extends BwmTableOptions {
  /** Session (experiment) UUID; also given by the input URL ibl://<eid>/<pid>. */
  eid?: string
  /** Probe insertion UUID. */
  pid?: string
  lengthMs?: number | null
  /** Load spikes from this collection only (skips the probe-collection search). */
  collection?: string | null
  /** Dataset revision: each file from the latest revision not after it (default '2024-05-06', the Brain-Wide Map's); null: ONE's default dataset. */
  revision?: string | null
  /** ONE-style cache folder (Node); default `~/Downloads/ONE/<alyx host>` as ONE. */
  cacheDir?: string | null
  /** 'remote' (default): ask Alyx, download what is missing, fall back to the cache when offline. 'local': cache only. */
  mode?: 'remote' | 'local'
  /** Alyx REST base URL (default https://openalyx.internationalbrainlab.org). */
  baseUrl?: string
  /** The public file server whose file records are preferred (default https://ibl.flatironinstitute.org/public). */
  dataServer?: string
  /** Alyx login (default the public intbrainlab / international). */
  username?: string
  password?: string
  /** An Alyx token to start with (else one is obtained by logging in); sent only to the Alyx origin. */
  token?: string | null
  /** Per-request timeout (ms, default 30000) and retries (default 3) for Alyx and downloads. */
  timeoutMs?: number
  retries?: number
}

/** The public IBL Alyx server: the `ibl` loader's default baseUrl; {@link queryIblProbes}'s default cache is `~/Downloads/ONE/<its host>`. */
export const DEFAULT_ALYX_URL = 'https://openalyx.internationalbrainlab.org'
/** ONE's public file server (HTTP_DATA_SERVER of the public parameters). */
export const DEFAULT_DATA_SERVER = 'https://ibl.flatironinstitute.org/public'
/** The Brain-Wide Map release whose aggregate tables are read by default. */
export const DEFAULT_BWM_RELEASE = '2024_Q2_IBL_et_al_BWM'
/** The revision of the Brain-Wide Map's spike sorting, pinned by default. */
export const DEFAULT_BWM_REVISION = '2024-05-06'
/** The public bucket of the Brain-Wide Map aggregates. */
export const BWM_BUCKET = 'https://ibl-brain-wide-map-public.s3.amazonaws.com'
/** The default release's aggregate clusters table. */
export const DEFAULT_UNITS_TABLE = `${BWM_BUCKET}/aggregates/${DEFAULT_BWM_RELEASE}/clusters.pqt`

/** {@link BwmTableOptions} after checking: the unit table location and bwm_units' settings. */
export interface ResolvedBwmTables {
  release: string
  unitsTable: string
  unitsTableMd5: string | undefined
  /** undefined: trials.pqt beside clusters.pqt; null: no session criterion. */
  trialsTable: string | null | undefined
  bwmUnits: BwmCriteria | false
}

/** {@link IblOptions} after {@link checkIblOptions}: null read as absent, defaults filled in, eid/pid/md5 lowercased. */
export interface ResolvedIblOptions extends ResolvedBwmTables {
  eid: string | undefined
  pid: string | undefined
  lengthMs: number | undefined
  collection: string | undefined
  revision: string | undefined
  cacheDir: string | undefined
  mode: 'remote' | 'local'
  baseUrl: string
  dataServer: string
  username: string
  password: string
  timeoutMs: number
  retries: number
  token: string | undefined
}

export const BWM_TABLE_KNOWN = ['release', 'unitsTable', 'unitsTableMd5', 'trialsTable', 'bwmUnits'] as const
const IBL_KNOWN = ['eid', 'pid', 'lengthMs', 'collection', 'revision', 'cacheDir', 'mode', 'baseUrl', 'dataServer', 'username', 'password', 'timeoutMs', 'retries', 'token', ...BWM_TABLE_KNOWN] as const
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

function checkCriteria(v: unknown): BwmCriteria | false {
  if (v === false) return false
  if (v === undefined || v === null) return BWM_DEFAULT_CRITERIA
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError('bwmUnits', v, 'false or { minQc?, minErrors?, minUnitsSessions? }')
  const o = v as Record<string, unknown>
  checkKnown(o, ['minQc', 'minErrors', 'minUnitsSessions'], 'bwmUnits')
  const num = (k: 'minQc' | 'minErrors') => {
    if (o[k] === undefined) return BWM_DEFAULT_CRITERIA[k]
    if (o[k] === null) return null
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || (o[k] as number) < 0) throw new InvalidArgumentError(`bwmUnits.${k}`, o[k], 'a number >= 0, or null')
    return o[k] as number
  }
  const mus = o.minUnitsSessions
  if (mus !== undefined && mus !== null && !(Array.isArray(mus) && mus.length === 2 && mus.every((n) => Number.isInteger(n) && n >= 0))) throw new InvalidArgumentError('bwmUnits.minUnitsSessions', mus, '[units per session per region, sessions per region], or null')
  return { minQc: num('minQc'), minErrors: num('minErrors'), minUnitsSessions: mus === undefined ? BWM_DEFAULT_CRITERIA.minUnitsSessions : (mus as [number, number] | null) }
}

/** Checks the Brain-Wide Map table options (shared by the loader and queryIblProbes). */
export function checkBwmTables(raw: Record<string, unknown>): ResolvedBwmTables {
  const release = raw.release ?? DEFAULT_BWM_RELEASE
  if (typeof release !== 'string' || !/^[\w.-]+$/.test(release)) throw new InvalidArgumentError('release', release, "a release tag such as '2024_Q2_IBL_et_al_BWM'")
  const unitsTable = raw.unitsTable ?? `${BWM_BUCKET}/aggregates/${release}/clusters.pqt`
  if (typeof unitsTable !== 'string' || unitsTable.trim() === '') throw new InvalidArgumentError('unitsTable', unitsTable, 'a URL or a path to the Brain-Wide Map unit table')
  const md5 = raw.unitsTableMd5
  if (md5 !== undefined && md5 !== null && (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/i.test(md5))) throw new InvalidArgumentError('unitsTableMd5', md5, 'an MD5 digest (32 hexadecimal digits)')
  const trials = raw.trialsTable
  if (trials !== undefined && trials !== null && (typeof trials !== 'string' || trials.trim() === '')) throw new InvalidArgumentError('trialsTable', trials, 'a URL or a path to the trials aggregate, or null')
  return { release, unitsTable, unitsTableMd5: typeof md5 === 'string' ? md5.toLowerCase() : undefined, trialsTable: trials as string | null | undefined, bwmUnits: checkCriteria(raw.bwmUnits) }
}

function checkText(raw: Record<string, unknown>, name: string, fallback: string, shown: unknown = raw[name]): string {
  const v = raw[name]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(name, shown, `a non-empty ${name} string`)
  return v
}

/** Validates every `ibl` option before any I/O. */
export function checkIblOptions(input: unknown): ResolvedIblOptions {
  const raw = asObject(input, 'ibl')
  checkKnown(raw, IBL_KNOWN, 'ibl')
  const mode = raw.mode ?? 'remote'
  if (mode !== 'remote' && mode !== 'local') throw new InvalidArgumentError('mode', mode, "'remote' or 'local'")
  const token = raw.token
  if (token !== undefined && token !== null && (typeof token !== 'string' || token === '')) throw new InvalidArgumentError('token', '<redacted>', 'an Alyx token string')
  return {
    ...checkBwmTables(raw),
    eid: checkUuid(raw.eid, 'eid'),
    pid: checkUuid(raw.pid, 'pid'),
    lengthMs: checkLengthMs(raw.lengthMs),
    collection: checkCollection(optionalText(raw, 'collection', "a collection path such as 'alf/probe00/pykilosort'")),
    revision: raw.revision === null ? undefined : (checkRevision(optionalText(raw, 'revision', "a revision label such as '2024-05-06'")) ?? DEFAULT_BWM_REVISION),
    cacheDir: optionalText(raw, 'cacheDir', 'a folder path'),
    mode,
    baseUrl: checkUrl(raw.baseUrl, 'baseUrl', DEFAULT_ALYX_URL),
    dataServer: checkUrl(raw.dataServer, 'dataServer', DEFAULT_DATA_SERVER),
    username: checkText(raw, 'username', PUBLIC_ALYX_USER),
    password: checkText(raw, 'password', PUBLIC_ALYX_PASSWORD, '<redacted>'),
    timeoutMs: checkCount(raw.timeoutMs, 'timeoutMs', 30_000, 1),
    retries: checkCount(raw.retries, 'retries', 3, 0),
    token: typeof token === 'string' ? token : undefined,
  }
}

/** Options of queryIblProbes (SpikeLab's query_ibl_probes keyword arguments). */
export interface QueryIblProbesOptions extends BwmTableOptions {
  /** Beryl region acronyms; null/undefined = no region filter. */
  targetRegions?: string[] | null
  minUnits?: number
  minFractionInTarget?: number
  cacheDir?: string | null
  mode?: 'remote' | 'local'
  timeoutMs?: number
  retries?: number
  /** fetch implementation for downloading the tables (default the global fetch). */
  fetch?: typeof fetch
  signal?: AbortSignal
  /** Called with SPIKES_WARN_IBL_OFFLINE when a table cannot be downloaded and the cached copy is used. */
  onWarning?: (warning: { code: string; message: string; details?: Record<string, unknown> }) => void
}

import { InvalidArgumentError, type Progress, type SpikesWarning } from '@spikes/core'
import { resolveClientOptions, type DandiClientOptions } from './client-options.js'

/** Options of `exportRecordingFromDandi`: asset lookup, transfer, Zarr layout and callbacks. */
export interface ExportRecordingOptions extends Omit<DandiClientOptions, 'signal' | 'fetch'> {
  /** Owning dandiset (e.g. '000006'), recorded in the sidecar; a dandi:// path reference carries its own. */
  dandisetId?: string | null
  /** Dandiset version (default 'draft'), recorded in the sidecar; a dandi:// reference that names one wins. */
  version?: string
  /** HDF5 path of the ElectricalSeries to convert when there are several (e.g. 'acquisition/ElectricalSeriesAP'). */
  electricalSeriesPath?: string | null
  /** Replace an existing zarrDest (default false: an existing one is an error, checked before any transfer). */
  overwrite?: boolean
  /** Download the NWB file first instead of streaming it with Range requests (default false). */
  download?: boolean
  /** Where a downloaded NWB file goes (default: a temporary folder, or beside zarrDest with keepNwb). */
  downloadDir?: string | null
  /** Keep the downloaded NWB file (implies download) and return its path as downloaded_nwb_path. */
  keepNwb?: boolean
  /** With download: no byte for this many seconds aborts an attempt, which is then resumed (default 600). */
  downloadTimeoutSeconds?: number
  /** Check the SHA-256 digest the API gives on download (default true). */
  verifyDigest?: boolean
  /** Samples per Zarr chunk (default: 1 s of samples, at most 8 MiB per chunk). */
  chunkSamples?: number
  /** 'zlib' (default, numcodecs Zlib) or 'none'. */
  compression?: 'zlib' | 'none'
  /** zlib level 1-9 (default 1). */
  compressionLevel?: number
  /**
   * 'raw' (default): the stored integers, with per-channel gain_to_uV / offset_to_uV properties (as
   * SpikeInterface's NWB reader does); 'scaled': float32 microvolts with the NWB scaling applied.
   */
  traces?: 'raw' | 'scaled'
  signal?: AbortSignal
  /** Progress in bytes, phases 'fetch' (Range reads) or 'download', then 'export' (traces written). */
  onProgress?: (progress: Progress) => void
  /** Called as each warning is raised; the warnings are also in the result's `warnings`. */
  onWarning?: (warning: SpikesWarning) => void
  /**
   * fetch implementation for the API requests and the download (default the global fetch). Range reads of
   * the NWB file go through `@spikes/hdf5`'s own HTTP client and do not use it.
   */
  fetch?: typeof fetch
}

const KNOWN = new Set([
  'dandisetId', 'version', 'electricalSeriesPath', 'overwrite', 'download', 'downloadDir', 'keepNwb', 'downloadTimeoutSeconds', 'verifyDigest', 'chunkSamples', 'compression', 'compressionLevel', 'traces',
  'apiBase', 'apiToken', 'requestTimeoutSeconds', 'retries', 'backoffMs', 'signal', 'onProgress', 'onWarning', 'fetch',
])

/** {@link ExportRecordingOptions} checked, with defaults filled in. */
export interface CheckedExport {
  dandisetId: string | null
  version: string
  electricalSeriesPath: string | null
  overwrite: boolean
  download: boolean
  downloadDir: string | null
  keepNwb: boolean
  stallTimeoutMs: number
  verifyDigest: boolean
  chunkSamples: number | null
  zlibLevel: number
  traces: 'raw' | 'scaled'
}

/** Checks every export option before any I/O. */
export function checkExportOptions(options: ExportRecordingOptions): CheckedExport {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('options', options, 'an object of export options')
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) throw new InvalidArgumentError(key, key === 'apiToken' ? '(hidden)' : o[key], `a known option (${[...KNOWN].join(', ')})`)
  const bool = (key: string, fallback: boolean): boolean => {
    const v = o[key] ?? fallback
    if (typeof v !== 'boolean') throw new InvalidArgumentError(key, v, 'true or false')
    return v
  }
  const dandisetId = (o.dandisetId ?? null) as string | null
  if (dandisetId !== null && !(typeof dandisetId === 'string' && /^\d{6}$/.test(dandisetId))) throw new InvalidArgumentError('dandisetId', dandisetId, "a six-digit dandiset id such as '000006'")
  const version = o.version ?? 'draft'
  if (!(typeof version === 'string' && /^(draft|\d+\.\d+\.\d+)$/.test(version))) throw new InvalidArgumentError('version', version, "'draft' or a published version")
  const esPath = o.electricalSeriesPath ?? null
  if (esPath !== null && !(typeof esPath === 'string' && esPath.length > 0)) throw new InvalidArgumentError('electricalSeriesPath', esPath, "an HDF5 path such as 'acquisition/ElectricalSeries'")
  const downloadDir = o.downloadDir ?? null
  if (downloadDir !== null && !(typeof downloadDir === 'string' && downloadDir.length > 0)) throw new InvalidArgumentError('downloadDir', downloadDir, 'a folder path')
  const keepNwb = bool('keepNwb', false)
  const download = bool('download', keepNwb || downloadDir !== null)
  if (!download && (keepNwb || downloadDir !== null)) throw new InvalidArgumentError('download', false, 'true (or omitted) with keepNwb or downloadDir')
  const seconds = o.downloadTimeoutSeconds ?? 600
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) throw new InvalidArgumentError('downloadTimeoutSeconds', seconds, 'a positive number of seconds')
  const chunkSamples = o.chunkSamples ?? null
  if (chunkSamples !== null && !(Number.isSafeInteger(chunkSamples) && (chunkSamples as number) >= 1)) throw new InvalidArgumentError('chunkSamples', chunkSamples, 'a whole number of samples >= 1')
  const compression = o.compression ?? 'zlib'
  if (compression !== 'zlib' && compression !== 'none') throw new InvalidArgumentError('compression', compression, "'zlib' or 'none'")
  const level = o.compressionLevel ?? 1
  if (!(Number.isInteger(level) && (level as number) >= 1 && (level as number) <= 9)) throw new InvalidArgumentError('compressionLevel', level, 'a whole number from 1 to 9')
  const traces = o.traces ?? 'raw'
  if (traces !== 'raw' && traces !== 'scaled') throw new InvalidArgumentError('traces', traces, "'raw' or 'scaled'")
  for (const key of ['signal', 'onProgress', 'onWarning', 'fetch']) {
    if (key === 'signal' ? o.signal !== undefined && !(o.signal instanceof AbortSignal) : o[key] !== undefined && typeof o[key] !== 'function') throw new InvalidArgumentError(key, o[key], key === 'signal' ? 'an AbortSignal' : 'a function')
  }
  resolveClientOptions({ apiBase: options.apiBase, apiToken: options.apiToken, requestTimeoutSeconds: options.requestTimeoutSeconds, retries: options.retries, backoffMs: options.backoffMs })
  return {
    dandisetId,
    version,
    electricalSeriesPath: esPath as string | null,
    overwrite: bool('overwrite', false),
    download,
    downloadDir: downloadDir as string | null,
    keepNwb,
    stallTimeoutMs: seconds * 1000,
    verifyDigest: bool('verifyDigest', true),
    chunkSamples: chunkSamples as number | null,
    zlibLevel: compression === 'zlib' ? (level as number) : 0,
    traces,
  }
}

import { InvalidArgumentError, type Progress, type SpikesWarning } from '@spikes/core'
import { flagOption, integerOption, parseOptions, positiveOption, textOption } from '@spikes/core/loader-utils'
import { boolean, custom, maxValue, minValue, number, object, optional, picklist, pipe, regex, safeInteger, string } from 'valibot'
import { dandiClientEntries, resolveClientOptions, type DandiClientOptions } from './client-options.js'

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

const DANDISET = "a six-digit dandiset id such as '000006'"
const VERSION = "'draft' or a published version"
const LEVEL = 'a whole number from 1 to 9'
const isFunction = (value: unknown) => typeof value === 'function'

/**
 * The export's options as a schema (their meaning: {@link ExportRecordingOptions}), checked the way loader
 * options are: unknown names with the closest known one, SpikeLab's snake_case names, null as not given.
 */
const exportOptions = object({
  dandisetId: optional(pipe(string(DANDISET), regex(/^\d{6}$/, DANDISET))),
  version: optional(pipe(string(VERSION), regex(/^(draft|\d+\.\d+\.\d+)$/, VERSION)), 'draft'),
  electricalSeriesPath: textOption(undefined, "an HDF5 path such as 'acquisition/ElectricalSeries'", 'The ElectricalSeries to convert.'),
  overwrite: flagOption(false, 'Replace an existing zarrDest.'),
  download: optional(boolean('true or false')),
  downloadDir: textOption(undefined, 'a folder path', 'Where a downloaded NWB file goes.'),
  keepNwb: flagOption(false, 'Keep the downloaded NWB file.'),
  downloadTimeoutSeconds: positiveOption(600, 'a positive number of seconds', 'Stall timeout of a download.'),
  verifyDigest: flagOption(true, 'Check the SHA-256 digest the API gives.'),
  chunkSamples: integerOption(undefined, 1, 'a whole number of samples >= 1', 'Samples per Zarr chunk.'),
  compression: optional(picklist(['zlib', 'none'], "'zlib' or 'none'"), 'zlib'),
  compressionLevel: optional(pipe(number(LEVEL), safeInteger(LEVEL), minValue(1, LEVEL), maxValue(9, LEVEL)), 1),
  traces: optional(picklist(['raw', 'scaled'], "'raw' or 'scaled'"), 'raw'),
  ...dandiClientEntries,
  signal: optional(custom<AbortSignal>((value) => value instanceof AbortSignal, 'an AbortSignal')),
  onProgress: optional(custom<(progress: Progress) => void>(isFunction, 'a function')),
  onWarning: optional(custom<(warning: SpikesWarning) => void>(isFunction, 'a function')),
  fetch: optional(custom<typeof fetch>(isFunction, 'a function')),
})

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
  /** The connection settings, the signal and fetch as checked (under whichever spelling they were given). */
  client: DandiClientOptions
  onProgress?: (progress: Progress) => void
  onWarning?: (warning: SpikesWarning) => void
}

/** Checks every export option before any I/O. */
export function checkExportOptions(options: ExportRecordingOptions): CheckedExport {
  const o = parseOptions('exportRecordingFromDandi', exportOptions, options)
  const downloadDir = o.downloadDir ?? null
  const download = o.download ?? (o.keepNwb || downloadDir !== null)
  if (!download && (o.keepNwb || downloadDir !== null)) throw new InvalidArgumentError('download', false, 'true (or omitted) with keepNwb or downloadDir')
  const client: DandiClientOptions = { apiBase: o.apiBase, apiToken: o.apiToken, requestTimeoutSeconds: o.requestTimeoutSeconds, retries: o.retries, backoffMs: o.backoffMs, signal: o.signal, fetch: o.fetch }
  resolveClientOptions(client) // the DANDI_API_TOKEN environment variable, which the schema did not see
  return {
    dandisetId: o.dandisetId ?? null,
    version: o.version,
    electricalSeriesPath: o.electricalSeriesPath ?? null,
    overwrite: o.overwrite,
    download,
    downloadDir,
    keepNwb: o.keepNwb,
    stallTimeoutMs: o.downloadTimeoutSeconds * 1000,
    verifyDigest: o.verifyDigest,
    chunkSamples: o.chunkSamples ?? null,
    zlibLevel: o.compression === 'zlib' ? o.compressionLevel : 0,
    traces: o.traces,
    client,
    onProgress: o.onProgress,
    onWarning: o.onWarning,
  }
}

import { AbortedError, InvalidArgumentError, WarningCollector, throwIfAborted, type Progress, type SpikesWarning } from '@spikes/core'
import { openHdf5, RemoteFile, remoteFileMounter, type Hdf5File } from '@spikes/hdf5'
import { authHeaders, resolveClientOptions, type DandiClientOptions } from './client.js'
import { downloadFile } from './download.js'
import { nodeDeps, type NodeDeps } from './node-deps.js'
import { describeElectricalSeries, type ElectricalSeriesInfo } from './electrical-series.js'
import { sourceReference } from './reference.js'
import { resolveAsset } from './resolve-asset.js'
import { insideFolder, safeFileName } from './safe-name.js'
import { openRemoteAsset } from './open-remote-asset.js'
import { ZarrV2Writer, zarrDtype } from './zarr-writer.js'

/** Options of {@link exportRecordingFromDandi}: asset lookup, transfer, Zarr layout and callbacks. */
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

/**
 * What {@link exportRecordingFromDandi} wrote: the recording_metadata.json sidecar's fields (snake_case, as
 * SpikeLab's; NWB file metadata included), plus where the files are and what the transfer cost.
 */
export interface ExportRecordingResult {
  format: 'spikeinterface_zarr'
  /** Absolute path of the Zarr store. */
  zarr_path: string
  recording_metadata_path: string
  /** Only with keepNwb. */
  downloaded_nwb_path?: string
  dandi_asset_id: string
  dandi_dandiset_id?: string
  dandi_version: string
  source_reference: string
  electrical_series_path: string
  sampling_rate_hz: number
  n_channels: number
  n_samples: number
  duration_seconds?: number
  dandi_transfer: { mode: 'range' | 'download'; requests: number; bytes_fetched: number; api_requests: number }
  warnings: SpikesWarning[]
  [key: string]: unknown
}

const KNOWN = new Set([
  'dandisetId', 'version', 'electricalSeriesPath', 'overwrite', 'download', 'downloadDir', 'keepNwb', 'downloadTimeoutSeconds', 'verifyDigest', 'chunkSamples', 'compression', 'compressionLevel', 'traces',
  'apiBase', 'apiToken', 'requestTimeoutSeconds', 'retries', 'backoffMs', 'signal', 'onProgress', 'onWarning', 'fetch',
])

/**
 * SpikeLab's load_recording_from_dandi: the ElectricalSeries of a DANDI NWB asset written as a chunked Zarr
 * store in SpikeInterface's recording layout (traces_seg0, channel_ids, sampling_frequency, properties
 * gain_to_uV / offset_to_uV), read and written one chunk at a time, plus a recording_metadata.json sidecar.
 * The store is built under a temporary name and renamed when complete; nothing is left on failure.
 */
export async function exportRecordingFromDandi(asset: string, zarrDest: string, options: ExportRecordingOptions = {}): Promise<ExportRecordingResult> {
  const o = checkExportOptions(options)
  if (typeof zarrDest !== 'string' || !zarrDest) throw new InvalidArgumentError('zarrDest', zarrDest, 'the path of the Zarr folder to write')
  const deps = await nodeDeps()
  const { mkdir, mkdtemp, rename, rm, stat, writeFile } = deps.fs
  const { basename, dirname, join, resolve } = deps.path
  const dest = resolve(zarrDest)
  const exists = await stat(dest).then(() => true, () => false)
  if (exists && !o.overwrite) throw new InvalidArgumentError('zarrDest', dest, 'a path that does not exist yet, or overwrite: true to replace it')
  throwIfAborted(options.signal, 'Exporting a recording')
  const collector = new WarningCollector(options.onWarning)
  const progress = (p: Progress) => options.onProgress?.(p)
  const client: DandiClientOptions = { apiBase: options.apiBase, apiToken: options.apiToken, requestTimeoutSeconds: options.requestTimeoutSeconds, retries: options.retries, backoffMs: options.backoffMs, signal: options.signal, fetch: options.fetch }
  const info = await resolveAsset(asset, { dandisetId: o.dandisetId, version: o.version, client })
  const clientForAsset = { ...client, apiBase: info.apiBase }
  const transfer = { mode: (o.download ? 'download' : 'range') as 'range' | 'download', requests: 0, bytes_fetched: 0, api_requests: info.requests }

  const cleanups: (() => Promise<void>)[] = []
  const staging = join(dirname(dest), `.${basename(dest)}.${deps.crypto.randomBytes(6).toString('hex')}.partial`)
  let file: Hdf5File | null = null
  let remote: RemoteFile | null = null
  let nwbPath: string | undefined
  try {
    if (!o.download) {
      remote = await openRemoteAsset(info, clientForAsset, transfer, collector.warn, {
        signal: options.signal,
        cacheBytes: 32 * 1024 * 1024,
        onTransfer: (s) => progress({ phase: 'fetch', loaded: s.bytes, total: s.size, unit: 'bytes' }),
      })
      if (remote) file = await openHdf5(remote, { mount: remoteFileMounter, name: remote.name, signal: options.signal }).catch((error) => Promise.reject(remote?.lastError ?? error))
    }
    if (!file) {
      transfer.mode = 'download'
      const folder = o.downloadDir ?? (o.keepNwb ? dirname(dest) : await mkdtemp(join(deps.os.tmpdir(), 'spikes-dandi-')))
      if (o.downloadDir ?? o.keepNwb) await mkdir(folder, { recursive: true })
      else cleanups.push(() => rm(folder, { recursive: true, force: true }))
      nwbPath = await insideFolder(folder, safeFileName(info.path, info.assetId))
      const r = resolveClientOptions(clientForAsset)
      const result = await downloadFile(info.downloadUrl, {
        dest: nwbPath,
        headers: authHeaders(r, info.downloadUrl),
        expectedSize: info.size,
        sha256: o.verifyDigest ? info.sha256 : undefined,
        dandiEtag: o.verifyDigest ? info.dandiEtag : undefined,
        stallTimeoutMs: o.stallTimeoutMs,
        retries: r.http.retries,
        backoffMs: r.http.backoffMs,
        signal: options.signal,
        fetch: options.fetch,
        onProgress: (loaded, total) => progress({ phase: 'download', loaded, total, unit: 'bytes' }),
      })
      transfer.requests += result.requests
      transfer.bytes_fetched += result.bytes
      const kept = nwbPath
      if (!o.keepNwb) cleanups.unshift(() => rm(kept, { force: true }))
      file = await openHdf5(nwbPath, { signal: options.signal })
    }

    const h5 = file
    const series = guardRemote(remote, () => describeElectricalSeries(h5, o.electricalSeriesPath))
    const nwbMetadata = await readNwbMetadata(h5, collector)
    const shape = await guardRemoteAsync(remote, () => writeStore(h5, series, staging, o, progress, deps, options.signal))

    const sidecar: Record<string, unknown> = {
      format: 'spikeinterface_zarr',
      dandi_asset_id: info.assetId,
      dandi_version: info.version,
      sampling_rate_hz: series.samplingRateHz,
      n_channels: series.nChannels,
      n_samples: series.nSamples,
    }
    if (info.dandisetId) sidecar.dandi_dandiset_id = info.dandisetId
    sidecar.source_reference = sourceReference(info.assetId, info.dandisetId, info.version)
    sidecar.duration_seconds = series.nSamples / series.samplingRateHz
    sidecar.electrical_series_path = series.path
    sidecar.dtype = shape.dtype
    sidecar.traces = o.traces
    if (info.path) sidecar.dandi_asset_path = info.path
    for (const [k, v] of Object.entries(nwbMetadata)) if (!(k in sidecar)) sidecar[k] = v
    await writeFile(join(staging, 'recording_metadata.json'), JSON.stringify(sidecar, jsonSafe, 2))

    await closeQuietly(file, remote)
    file = null
    // The old folder is moved aside, not deleted, until the new one is in place: no moment without either.
    const aside = exists ? `${staging}.old` : undefined
    if (aside) await rename(dest, aside)
    await rename(staging, dest).catch(async (error: unknown) => {
      if (aside) await rename(aside, dest).catch(() => {})
      throw error
    })
    if (aside) await rm(aside, { recursive: true, force: true }).catch(() => {})
    if (remote) {
      transfer.requests += remote.stats.requests
      transfer.bytes_fetched += remote.stats.bytes
    }
    const result = {
      ...sidecar,
      zarr_path: dest,
      recording_metadata_path: join(dest, 'recording_metadata.json'),
      dandi_transfer: transfer,
      warnings: collector.warnings,
    } as ExportRecordingResult
    if (o.keepNwb && nwbPath) result.downloaded_nwb_path = nwbPath
    return result
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => {})
    if (nwbPath && o.keepNwb) await rm(nwbPath, { force: true }).catch(() => {})
    if (options.signal?.aborted && !(error instanceof AbortedError)) throw new AbortedError('Exporting a recording')
    throw remote?.lastError ?? deps.core.fsWriteError(error)
  } finally {
    await closeQuietly(file, remote)
    for (const c of cleanups) await c().catch(() => {})
  }
}

interface CheckedExport {
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

function checkExportOptions(options: ExportRecordingOptions): CheckedExport {
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

async function writeStore(file: Hdf5File, s: ElectricalSeriesInfo, root: string, o: CheckedExport, progress: (p: Progress) => void, deps: NodeDeps, signal?: AbortSignal): Promise<{ dtype: string }> {
  const C = s.nChannels
  const twoD = (s.data.shape ?? []).length === 2
  const probe = s.data.readNumeric({ start: twoD ? [0, 0] : 0, count: twoD ? [Math.min(1, s.nSamples), C] : Math.min(1, s.nSamples), as: 'native' })
  const Native = probe.constructor as new (n: number) => Exclude<typeof probe, never>
  const itemBytes = (probe as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT
  const maxByBytes = Math.max(1, Math.floor((8 * 1024 * 1024) / (C * itemBytes)))
  const chunk = Math.max(1, Math.min(o.chunkSamples ?? Math.min(Math.round(s.samplingRateHz), maxByBytes), Math.max(1, s.nSamples)))
  const scaled = o.traces === 'scaled'
  const outSample = scaled ? new Float32Array(0) : new Native(0)
  const dtype = zarrDtype(outSample as ArrayBufferView)

  const w = new ZarrV2Writer(root, deps)
  await deps.fs.mkdir(root, { recursive: true })
  await w.group('', { sampling_frequency: s.samplingRateHz, num_segments: 1, annotations: { is_filtered: false }, provenance: null })
  if (typeof s.channelIds[0] === 'string') await w.stringArray('channel_ids', s.channelIds as string[])
  else await w.smallArray('channel_ids', BigInt64Array.from(s.channelIds as number[], (v) => BigInt(Math.trunc(v))))
  await w.array('traces_seg0', { shape: [s.nSamples, C], chunks: [chunk, C], dtype, zlibLevel: o.zlibLevel })

  const buffer = new Native(chunk * C) as unknown as ArrayLike<number> & ArrayBufferView & { fill(v: number): void; length: number }
  const out = scaled ? new Float32Array(chunk * C) : null
  const total = s.nSamples * C * itemBytes
  for (let start = 0, i = 0; start < s.nSamples; start += chunk, i++) {
    throwIfAborted(signal, 'Exporting a recording')
    const n = Math.min(chunk, s.nSamples - start)
    if (n < chunk) buffer.fill(0)
    s.data.readNumeric({ start: twoD ? [start, 0] : start, count: twoD ? [n, C] : n, as: 'native', out: buffer as never, outOffset: 0 })
    if (out) {
      out.fill(0)
      for (let k = 0; k < n * C; k++) {
        const c = k % C
        out[k] = buffer[k] * s.gainToUv[c] + s.offsetToUv[c]
      }
    }
    await w.chunk('traces_seg0', [i, 0], out ?? buffer)
    progress({ phase: 'export', loaded: Math.min(total, (start + n) * C * itemBytes), total, unit: 'bytes' })
    await new Promise((r) => setImmediate(r))
  }

  if (s.timestamps) {
    await w.array('times_seg0', { shape: [s.nSamples], chunks: [chunk], dtype: '<f8', zlibLevel: o.zlibLevel })
    const t = new Float64Array(chunk)
    for (let start = 0, i = 0; start < s.nSamples; start += chunk, i++) {
      throwIfAborted(signal, 'Exporting a recording')
      const n = Math.min(chunk, s.nSamples - start)
      if (n < chunk) t.fill(0)
      s.timestamps.readNumeric({ start, count: n, out: t, outOffset: 0 })
      await w.chunk('times_seg0', [i], t)
    }
  } else if (s.tStart !== 0) {
    await w.smallArray('t_starts', Float64Array.of(s.tStart))
  }
  await w.group('properties')
  await w.smallArray('properties/gain_to_uV', scaled ? new Float64Array(C).fill(1) : s.gainToUv)
  await w.smallArray('properties/offset_to_uV', scaled ? new Float64Array(C) : s.offsetToUv)
  await w.finish()
  return { dtype }
}

async function readNwbMetadata(file: Hdf5File, collector: WarningCollector): Promise<Record<string, unknown>> {
  try {
    const nwb = (await import('@spikes/format-nwb')) as { readFileMetadata?: (f: Hdf5File) => Record<string, unknown> }
    if (typeof nwb.readFileMetadata === 'function') return nwb.readFileMetadata(file)
  } catch (error) {
    collector.warn('SPIKES_WARN_DANDI_NWB_METADATA', `Reading the NWB file metadata failed (${(error as Error)?.message ?? error}); the sidecar has the recording fields only.`, {})
    return {}
  }
  const meta: Record<string, unknown> = {}
  for (const key of ['identifier', 'session_description', 'session_start_time']) {
    try {
      const ds = file.maybeDataset(`/${key}`)
      const v = ds?.dtype.class === 'string' ? ds.readStrings()[0] : undefined
      if (v) meta[key] = v
    } catch {
      // optional
    }
  }
  return meta
}

function guardRemote<T>(remote: RemoteFile | null, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    throw remote?.lastError ?? error
  }
}

async function guardRemoteAsync<T>(remote: RemoteFile | null, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw remote?.lastError ?? error
  }
}

async function closeQuietly(file: Hdf5File | null, remote: RemoteFile | null): Promise<void> {
  if (file) await file.close().catch(() => {})
  remote?.closeSync()
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>)
  return value
}

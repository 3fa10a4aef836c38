import { AbortedError, InvalidArgumentError, UnsupportedError, WarningCollector, throwIfAborted, type Progress, type SpikesWarning } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'
import { describeElectricalSeries, type ElectricalSeriesInfo } from './electrical-series.js'
import { checkExportOptions, type ExportRecordingOptions } from './export-options.js'
import { closeExportSource, guardRemote, openExportSource, type ExportSource } from './export-source.js'
import { stageExport } from './export-staging.js'
import { writeStore } from './export-store.js'
import { nodeDeps } from './node-deps.js'
import { sourceReference } from './reference.js'
import { resolveAsset, type ResolvedAsset } from './resolve-asset.js'

export type { ExportRecordingOptions } from './export-options.js'

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

/**
 * SpikeLab's load_recording_from_dandi: the ElectricalSeries of a DANDI NWB asset written as a chunked Zarr
 * store in SpikeInterface's recording layout (traces_seg0, channel_ids, sampling_frequency, properties
 * gain_to_uV / offset_to_uV), read and written one chunk at a time, plus a recording_metadata.json sidecar.
 * The store is built in a staging folder beside zarrDest and renamed when complete: a failed or aborted
 * export removes it and leaves zarrDest as it was, and so does a killed one (export-staging.ts).
 */
export async function exportRecordingFromDandi(asset: string, zarrDest: string, options: ExportRecordingOptions = {}): Promise<ExportRecordingResult> {
  const o = checkExportOptions(options)
  if (typeof zarrDest !== 'string' || !zarrDest) throw new InvalidArgumentError('zarrDest', zarrDest, 'the path of the Zarr folder to write')
  const deps = await nodeDeps()
  const dest = deps.path.resolve(zarrDest)
  const exists = await deps.fs.stat(dest).then(() => true, () => false)
  if (exists && !o.overwrite) throw new InvalidArgumentError('zarrDest', dest, 'a path that does not exist yet, or overwrite: true to replace it')
  const { client } = o
  const signal = client.signal
  throwIfAborted(signal, 'Exporting a recording')
  const collector = new WarningCollector(o.onWarning)
  const progress = (p: Progress) => o.onProgress?.(p)
  const info = await resolveAsset(asset, { dandisetId: o.dandisetId, version: o.version, client })
  if (info.zarr) {
    throw new UnsupportedError(
      'dandi-zarr-asset',
      `DANDI asset ${info.assetId} (${info.path}) is a Zarr archive (${info.zarr.url}): the recording export reads ElectricalSeries from NWB files in HDF5 only. Its Units table loads with loadSpikeDataFromDandi.`,
      { assetId: info.assetId, path: info.path, zarrUrl: info.zarr.url },
    )
  }
  const transfer = { mode: (o.download ? 'download' : 'range') as 'range' | 'download', requests: 0, bytes_fetched: 0, api_requests: info.requests }
  const stage = await stageExport(dest, deps)
  const source: ExportSource = { file: null, remote: null, cleanups: [] }
  try {
    const context = { asset: info, client: { ...client, apiBase: info.apiBase }, o, dest, transfer, warn: collector.warn, progress, signal, deps }
    const h5 = await openExportSource(source, context)
    const series = await guardRemote(source.remote, () => describeElectricalSeries(h5, o.electricalSeriesPath))
    const nwbMetadata = await readNwbMetadata(h5, collector)
    const shape = await guardRemote(source.remote, () => writeStore(h5, series, stage.path, o, progress, deps, signal))
    const sidecar = sidecarOf(info, series, shape.dtype, o.traces, nwbMetadata)
    await deps.fs.writeFile(deps.path.join(stage.path, 'recording_metadata.json'), JSON.stringify(sidecar, jsonSafe, 2))
    await closeExportSource(source)
    await stage.commit(exists)
    if (source.remote) {
      transfer.requests += source.remote.stats.requests
      transfer.bytes_fetched += source.remote.stats.bytes
    }
    const result = { ...sidecar, zarr_path: dest, recording_metadata_path: deps.path.join(dest, 'recording_metadata.json'), dandi_transfer: transfer, warnings: collector.warnings } as ExportRecordingResult
    if (o.keepNwb && source.nwbPath) result.downloaded_nwb_path = source.nwbPath
    return result
  } catch (error) {
    await stage.remove()
    if (source.nwbPath && o.keepNwb) await deps.fs.rm(source.nwbPath, { force: true }).catch(() => {})
    if (signal?.aborted && !(error instanceof AbortedError)) throw new AbortedError('Exporting a recording')
    throw source.remote?.lastError ?? deps.core.fsWriteError(error)
  } finally {
    stage.release()
    await closeExportSource(source)
    for (const c of source.cleanups) await c().catch(() => {})
  }
}

/** The recording_metadata.json fields, in SpikeLab's order, then the NWB file's metadata. */
function sidecarOf(info: ResolvedAsset, series: ElectricalSeriesInfo, dtype: string, traces: string, nwbMetadata: Record<string, unknown>): Record<string, unknown> {
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
  sidecar.dtype = dtype
  sidecar.traces = traces
  if (info.path) sidecar.dandi_asset_path = info.path
  for (const [k, v] of Object.entries(nwbMetadata)) if (!(k in sidecar)) sidecar[k] = v
  return sidecar
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

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>)
  return value
}

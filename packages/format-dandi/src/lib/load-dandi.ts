import { AbortedError, container, UnsupportedError, bytesSource, throwIfAborted, type ByteSource, type LoadContext, type SpikeData } from '@spikes/core'
import type { RemoteFile } from '@spikes/hdf5'
import type { CheckedDandiOptions } from '../options.js'
import type { TransferOptions } from './download.js'
import { hasFileSystem, nodeDeps } from './node-deps.js'
import { sourceReference } from './reference.js'
import { resolveAsset, type ResolvedAsset } from './resolve-asset.js'
import { insideFolder, safeFileName } from './safe-name.js'
import { openAsyncAsset } from './open-async-asset.js'

// What one way of reading needs is imported when that way is taken: a survey worker reading assets through the
// asynchronous Range source (asyncReads) loads neither h5wasm's blocking readers, the downloads, the Zarr
// reader, nor the NWB writer (format-nwb's main entry): ~50 modules less at every worker's start.
const hdf5 = () => import('@spikes/hdf5')

export interface TransferReport {
  /** 'zarr': a Zarr asset, its storage folder listed and its objects read from the bucket. */
  mode: 'range' | 'download' | 'zarr'
  /** HTTP requests for the file's bytes (API calls counted apart in api_requests). */
  requests: number
  bytes_fetched: number
  api_requests: number
  asset_size: number | null
  /** Why a Range read became a download. */
  fallback?: string
}

/**
 * Loads one DANDI NWB asset: resolves it, then reads its Units table remotely with Range requests (default)
 * or downloads it (download: true, downloadDir, or a server without Range support), and hands the file to
 * the nwb loader. Adds SpikeLab's provenance keys to the metadata. Downloads go to a file under Node and
 * into memory in a browser, where Range reads need a Web Worker.
 */
export async function loadDandi(input: string, options: CheckedDandiOptions, context: LoadContext): Promise<SpikeData> {
  throwIfAborted(context.signal, 'Loading from DANDI')
  if (!options.download && !options.asyncReads && !(await hdf5()).canReadRemoteInPlace()) {
    throw new UnsupportedError(
      'dandi-main-thread',
      "Reading a DANDI asset in place needs blocking reads, which a browser allows only in a Web Worker. Load it from a Web Worker, or pass download: true to fetch the whole asset into memory first.",
      { input },
    )
  }
  if (options.downloadDir !== null && !hasFileSystem()) {
    throw new UnsupportedError('dandi-download-dir', 'downloadDir needs a file system (Node). In a browser, pass download: true: the asset is then fetched into memory.', { downloadDir: options.downloadDir })
  }
  const { nwbLoader } = await import('@spikes/format-nwb/loader')
  const nwbOptions = options.nwb
  const client = { ...options.client, signal: context.signal, fetch: context.fetch }
  context.progress({ phase: 'resolve', loaded: 0, unit: 'requests' })
  const asset = await resolveAsset(input, { dandisetId: options.dandisetId, version: options.version, client, assetId: options.assetId, resolveDownload: !options.download })
  const clientForAsset = { ...client, apiBase: asset.apiBase }
  const transfer: TransferReport = { mode: options.download ? 'download' : 'range', requests: 0, bytes_fetched: 0, api_requests: asset.requests, asset_size: asset.size ?? null }
  if (asset.zarr) {
    // A folder of objects, never one file: read in place whatever `download` says.
    const { loadZarrAsset } = await import('./load-zarr-asset.js')
    const read = await loadZarrAsset(asset.zarr, nwbLoader, nwbOptions, clientForAsset, context)
    Object.assign(transfer, { mode: 'zarr', requests: read.transfer.requests, bytes_fetched: read.transfer.bytes })
    const metadata = provenance(read.data.metadata, asset, transfer, undefined)
    return read.data.with({ metadata: { ...metadata, source_file: asset.zarr.url, dandi_zarr_id: asset.zarr.zarrId } })
  }

  let data: SpikeData | undefined
  let downloadedPath: string | undefined
  if (!options.download) data = await readInPlace(asset, options.asyncReads, clientForAsset, transfer, nwbLoader, nwbOptions, context)
  if (!data) {
    transfer.mode = 'download'
    const { assetTransfer } = await import('./asset-transfer.js')
    const how = assetTransfer(asset, clientForAsset, options, context.progress)
    const load = (source: ByteSource) => nwbLoader.load(source, nwbOptions as never, context)
    const downloaded = hasFileSystem() ? await loadFromDisk(asset, options.downloadDir, how, load) : await loadFromMemory(asset, how, load)
    data = downloaded.data
    downloadedPath = downloaded.path
    transfer.requests += downloaded.requests
    transfer.bytes_fetched += downloaded.bytes
    transfer.asset_size ??= downloaded.bytes
  }
  return data.with({ metadata: provenance(data.metadata, asset, transfer, downloadedPath) })
}

interface Downloaded {
  data: SpikeData
  /** The kept file (downloadDir given). */
  path: string | undefined
  requests: number
  bytes: number
}

type LoadBytes = (source: ByteSource) => Promise<SpikeData>

/** Node: to `downloadDir` (kept) or a temporary folder (removed), then loaded from the file. */
async function loadFromDisk(asset: ResolvedAsset, downloadDir: string | null, how: TransferOptions, load: LoadBytes): Promise<Downloaded> {
  const { fs, os, path, core } = await nodeDeps()
  const keep = downloadDir !== null
  const folder = keep ? downloadDir : await fs.mkdtemp(path.join(os.tmpdir(), 'spikes-dandi-'))
  try {
    if (keep) await core.ensureWritableFolder(folder)
    const dest = await insideFolder(folder, safeFileName(asset.path, asset.assetId))
    const { downloadFile } = await import('./download.js')
    const result = await downloadFile(asset.downloadUrl, { ...how, dest })
    const source = await core.fileSource(dest)
    try {
      return { data: await load(source), path: keep ? dest : undefined, requests: result.requests, bytes: result.bytes }
    } finally {
      await source.close().catch(() => {})
    }
  } finally {
    if (!keep) await fs.rm(folder, { recursive: true, force: true }).catch(() => {})
  }
}

/** Browsers: into memory (allocated once when the archive gives the size), then loaded from the bytes. */
async function loadFromMemory(asset: ResolvedAsset, how: TransferOptions, load: LoadBytes): Promise<Downloaded> {
  const { downloadToMemory } = await import('./download.js')
  const result = await downloadToMemory(asset.downloadUrl, how)
  const name = safeFileName(asset.path, asset.assetId)
  return { data: await load(bytesSource(result.data, name)), path: undefined, requests: result.requests, bytes: result.bytes }
}

/**
 * Reads the asset in place with Range requests, through the blocking RemoteFile (h5wasm reads it as a file) or,
 * with asyncReads, an asynchronous source; undefined when the storage ignores Range (transfer.fallback says so).
 */
async function readInPlace(
  asset: ResolvedAsset,
  asyncReads: boolean,
  client: Parameters<typeof openAsyncAsset>[1],
  transfer: TransferReport,
  nwbLoader: NwbLoader,
  nwbOptions: unknown,
  context: LoadContext,
): Promise<SpikeData | undefined> {
  const remote = asyncReads
    ? await openAsyncAsset(asset, client, transfer, context.warn, context.signal)
    : await (await import('./open-remote-asset.js')).openRemoteAsset(asset, client, transfer, context.warn, {
        signal: context.signal,
        onTransfer: (s) => context.progress({ phase: 'fetch', loaded: s.bytes, unit: 'bytes' }),
      })
  if (!remote) {
    transfer.fallback = 'range-unsupported'
    return undefined
  }
  try {
    return await loadRemote(remote, !asyncReads, nwbLoader, nwbOptions, context)
  } finally {
    transfer.requests += remote.stats.requests
    transfer.bytes_fetched += remote.stats.bytes
    transfer.asset_size ??= await remote.size()
    await remote.close()
  }
}

type NwbLoader = typeof import('@spikes/format-nwb/loader').nwbLoader

async function loadRemote(remote: RemoteFile | ByteSource, mounted: boolean, nwbLoader: NwbLoader, nwbOptions: unknown, context: LoadContext): Promise<SpikeData> {
  // The NWB loader opens a RemoteFile through the mounters of its context's container: add the Range-read
  // one on a child container, so nothing global changes. An asynchronous source (asyncReads) it reads as it is.
  let loadContext = context
  if (mounted) {
    const withMounter = (context.container ?? container).createChildContainer()
    ;(await hdf5()).registerRemoteHdf5(withMounter)
    loadContext = { ...context, container: withMounter }
  }
  try {
    return await nwbLoader.load(remote, nwbOptions as never, loadContext)
  } catch (error) {
    if ('lastError' in remote && remote.lastError) throw remote.lastError
    if (context.signal?.aborted) throw new AbortedError('Loading from DANDI')
    throw error
  }
}

function provenance(metadata: Record<string, unknown>, asset: ResolvedAsset, transfer: TransferReport, downloadedPath: string | undefined): Record<string, unknown> {
  // The nwb loader names the source it was handed (a signed storage URL or a temporary file), in
  // source_file and in its provenance: use the archive's URL instead, identical for both transfer modes
  // and free of secrets (the dandi loader's template records its own provenance).
  const { provenance: _nwb, ...out } = metadata
  out.source_file = asset.publicUrl
  out.dandi_asset_id = asset.assetId
  if (asset.dandisetId) out.dandi_dandiset_id = asset.dandisetId
  out.dandi_version = asset.version
  out.source_reference = sourceReference(asset.assetId, asset.dandisetId, asset.version)
  if (asset.path) out.dandi_asset_path = asset.path
  if (downloadedPath) out.downloaded_path = downloadedPath
  out.dandi_transfer = { ...transfer }
  return out
}

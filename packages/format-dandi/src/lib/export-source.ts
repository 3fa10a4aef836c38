// The NWB file an export reads: the asset opened remotely with Range requests, or downloaded first (when
// asked, or when the server ignores Range), and how it is closed again.
import type { Progress } from '@spikes/core'
import { openHdf5, remoteFileMounter, type Hdf5File, type RemoteFile } from '@spikes/hdf5'
import { assetTransfer } from './asset-transfer.js'
import type { DandiClientOptions } from './client-options.js'
import { downloadFile } from './download.js'
import type { CheckedExport } from './export-options.js'
import type { NodeDeps } from './node-deps.js'
import { openRemoteAsset } from './open-remote-asset.js'
import type { ResolvedAsset } from './resolve-asset.js'
import { insideFolder, safeFileName } from './safe-name.js'

/** What an export has opened; `cleanups` remove temporary files, `nwbPath` is the downloaded file, if any. */
export interface ExportSource {
  file: Hdf5File | null
  remote: RemoteFile | null
  nwbPath?: string
  cleanups: (() => Promise<void>)[]
}

interface OpenContext {
  asset: ResolvedAsset
  client: DandiClientOptions
  o: CheckedExport
  dest: string
  transfer: { mode: 'range' | 'download'; requests: number; bytes_fetched: number }
  warn: (code: string, message: string, details?: Record<string, unknown>) => void
  progress: (p: Progress) => void
  signal?: AbortSignal
  deps: NodeDeps
}

/** Opens the asset's NWB file into `source` (filled as it goes, so that the caller can clean up after a failure). */
export async function openExportSource(source: ExportSource, c: OpenContext): Promise<Hdf5File> {
  const { asset, o, signal } = c
  if (!o.download) {
    source.remote = await openRemoteAsset(asset, c.client, c.transfer, c.warn, {
      signal,
      cacheBytes: 32 * 1024 * 1024,
      onTransfer: (s) => c.progress({ phase: 'fetch', loaded: s.bytes, total: s.size, unit: 'bytes' }),
    })
    const remote = source.remote
    if (remote) source.file = await openHdf5(remote, { mount: remoteFileMounter, name: remote.name, signal }).catch((error) => Promise.reject(remote.lastError ?? error))
    if (source.file) return source.file
  }
  c.transfer.mode = 'download'
  const { mkdir, mkdtemp, rm } = c.deps.fs
  const { dirname, join } = c.deps.path
  const folder = o.downloadDir ?? (o.keepNwb ? dirname(c.dest) : await mkdtemp(join(c.deps.os.tmpdir(), 'spikes-dandi-')))
  if (o.downloadDir ?? o.keepNwb) await mkdir(folder, { recursive: true })
  else source.cleanups.push(() => rm(folder, { recursive: true, force: true }))
  const nwbPath = await insideFolder(folder, safeFileName(asset.path, asset.assetId))
  source.nwbPath = nwbPath
  const result = await downloadFile(asset.downloadUrl, { dest: nwbPath, ...assetTransfer(asset, c.client, o, c.progress) })
  c.transfer.requests += result.requests
  c.transfer.bytes_fetched += result.bytes
  if (!o.keepNwb) source.cleanups.unshift(() => rm(nwbPath, { force: true }))
  source.file = await openHdf5(nwbPath, { signal })
  return source.file
}

/** Closes the file and the remote reader; never throws. */
export async function closeExportSource(source: ExportSource): Promise<void> {
  if (source.file) await source.file.close().catch(() => {})
  source.file = null
  source.remote?.closeSync()
}

/** Runs `fn`, reporting the remote reader's own failure (a network error) rather than what it caused. */
export async function guardRemote<T>(remote: RemoteFile | null, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw remote?.lastError ?? error
  }
}

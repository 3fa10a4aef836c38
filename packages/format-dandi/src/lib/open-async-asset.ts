import { HttpSource, type HttpSourceOptions } from '@spikes/remote'
import { authHeaders, resolveClientOptions, type DandiClientOptions } from './client.js'
import { resolveRedirects, type ResolvedAsset } from './resolve-asset.js'
import { safeFileName } from './safe-name.js'
import { warnedNoRange } from './no-range.js'

/** Bytes of the first reads: one block at each end (the superblock; late metadata), enough to learn that the storage honours Range. */
const FIRST_READ_BYTES = 64 * 1024

/**
 * The asset as an asynchronous Range source (asyncReads): reads return promises and never block the thread,
 * so a reader that reads asynchronously (the NWB loader's HDF5 tree) can have several assets loading on one
 * event loop. The archive's redirect is resolved once (its requests added to `transfer`) and the first bytes
 * are read at once (a block at each end); null with SPIKES_WARN_DANDI_NO_RANGE when the storage ignores Range (the caller downloads).
 */
export async function openAsyncAsset(
  asset: ResolvedAsset,
  client: DandiClientOptions,
  transfer: { requests: number },
  warn: (code: string, message: string, details?: Record<string, unknown>) => void,
  signal: AbortSignal | undefined,
): Promise<HttpSource | null> {
  const r = resolveClientOptions(client)
  const target = asset.download ?? (await resolveRedirects(asset.downloadUrl, client))
  transfer.requests += target.requests
  const source = new AssetSource(target.url, safeFileName(asset.path, asset.assetId), {
    headers: authHeaders(r, target.url),
    ...(asset.size ? { size: asset.size } : {}),
    // A server that ignores Range would send the whole asset: refuse it, the caller downloads instead.
    maxWholeFileBytes: 0,
    timeoutMs: r.http.timeoutMs,
    retries: r.http.retries,
    backoffMs: r.http.backoffMs,
    signal,
    ...(client.fetch ? { fetch: client.fetch } : {}),
    // A presigned storage URL expires: the archive's download URL is asked again for a fresh one.
    refreshUrl: async () => {
      const again = await resolveRedirects(asset.downloadUrl, client)
      transfer.requests += again.requests
      return again.url
    },
  })
  try {
    // The last block with the first: HDF5 writers put late metadata (h5py: the root group's, the Units
    // table's headers) at the end, where the tree reader's first round would otherwise go alone.
    const size = await source.size()
    const tail = Math.floor((size - 1) / FIRST_READ_BYTES) * FIRST_READ_BYTES
    await Promise.all([source.read(0, Math.min(FIRST_READ_BYTES, size)), tail > 0 ? source.read(tail, size - tail) : undefined])
    return source
  } catch (error) {
    await source.close()
    if (warnedNoRange(error, asset, warn)) return null
    throw error
  }
}

/** An HttpSource named by the asset's path (messages name the file, not the storage's blob key). */
class AssetSource extends HttpSource {
  override readonly name: string
  constructor(url: string, name: string, options: HttpSourceOptions) {
    super(url, options)
    this.name = name
  }
}

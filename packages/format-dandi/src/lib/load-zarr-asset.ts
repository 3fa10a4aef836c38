import type { LoadContext, SpikeData } from '@spikes/core'
import { s3Folder } from '@spikes/remote'
import { resolveClientOptions, type DandiClientOptions } from './client.js'
import type { ZarrLocation } from './zarr-asset.js'

/** What reading a Zarr asset cost: listings and objects of its storage folder. */
export interface ZarrTransfer {
  requests: number
  bytes: number
}

/**
 * Reads the Units table of an NWB file stored as Zarr (hdmf-zarr) in the archive's bucket: the storage folder
 * listed with ListObjectsV2 and its objects read anonymously (the bucket is public; the API token never goes
 * there), then handed to the nwb loader as a folder. Retries, timeouts and back-off are the client's.
 */
export async function loadZarrAsset(
  location: ZarrLocation,
  nwbLoader: typeof import('@spikes/format-nwb').nwbLoader,
  nwbOptions: unknown,
  client: DandiClientOptions,
  context: LoadContext,
): Promise<{ data: SpikeData; transfer: ZarrTransfer }> {
  const { http } = resolveClientOptions(client)
  const folder = s3Folder(`s3://${location.bucket}/${location.prefix}`, {
    bucketUrl: location.bucketUrl,
    fetch: context.fetch,
    signal: context.signal,
    timeoutMs: http.timeoutMs,
    retries: http.retries,
    backoffMs: http.backoffMs,
  })
  try {
    const data = await nwbLoader.load(folder, nwbOptions as never, context)
    return { data, transfer: { requests: folder.stats.requests, bytes: folder.stats.bytes } }
  } finally {
    await folder.close()
  }
}

import { RemoteFile, type RemoteFileOptions } from '@spikes/hdf5'
import { authHeaders, resolveClientOptions, type DandiClientOptions } from './client.js'
import { resolveRedirects, type ResolvedAsset } from './resolve-asset.js'
import { safeFileName } from './safe-name.js'
import { warnedNoRange } from './no-range.js'

/**
 * The asset as a remote file read with Range requests, or null with the SPIKES_WARN_DANDI_NO_RANGE warning
 * when the server ignores Range (the caller then downloads the whole file). The archive's redirect is
 * resolved once (its requests added to `transfer`) and reads go straight to the presigned storage URL; when
 * that expires (401/403) the archive's URL is asked again for a fresh one. The size comes from the asset
 * record, so a browser, to which the bucket's CORS shows no Content-Range, can still read: each 206 body's
 * length is checked against the bytes asked for.
 */
export async function openRemoteAsset(
  asset: ResolvedAsset,
  client: DandiClientOptions,
  transfer: { requests: number },
  warn: (code: string, message: string, details?: Record<string, unknown>) => void,
  fileOptions: Pick<RemoteFileOptions, 'signal' | 'cacheBytes' | 'onTransfer'>,
): Promise<RemoteFile | null> {
  const r = resolveClientOptions(client)
  const target = asset.download ?? (await resolveRedirects(asset.downloadUrl, client))
  transfer.requests += target.requests
  try {
    return await RemoteFile.open(asset.downloadUrl, {
      name: safeFileName(asset.path, asset.assetId),
      headers: authHeaders(r, asset.downloadUrl),
      ...(target.url !== asset.downloadUrl ? { resolvedUrl: target.url } : {}),
      ...(asset.size ? { size: asset.size } : {}),
      timeoutMs: r.http.timeoutMs,
      retries: r.http.retries,
      backoffMs: r.http.backoffMs,
      ...fileOptions,
    })
  } catch (error) {
    if (warnedNoRange(error, asset, warn)) return null
    throw error
  }
}

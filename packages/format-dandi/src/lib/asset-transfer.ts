import type { Progress } from '@spikes/core'
import { authHeaders, resolveClientOptions, type DandiClientOptions } from './client.js'
import type { TransferOptions } from './download.js'
import type { ResolvedAsset } from './resolve-asset.js'

/**
 * How an asset's whole file is downloaded (to disk or into memory): the token for the archive's origin,
 * the size and digests its record gives (the digests unless verifyDigest is off), the client's retries,
 * signal and fetch, and progress as the 'download' phase.
 */
export function assetTransfer(asset: ResolvedAsset, client: DandiClientOptions, checks: { verifyDigest: boolean; stallTimeoutMs: number }, progress: (p: Progress) => void): TransferOptions {
  const r = resolveClientOptions(client)
  return {
    headers: authHeaders(r, asset.downloadUrl),
    expectedSize: asset.size,
    sha256: checks.verifyDigest ? asset.sha256 : undefined,
    dandiEtag: checks.verifyDigest ? asset.dandiEtag : undefined,
    stallTimeoutMs: checks.stallTimeoutMs,
    retries: r.http.retries,
    backoffMs: r.http.backoffMs,
    signal: client.signal,
    fetch: client.fetch,
    onProgress: (loaded, total) => progress({ phase: 'download', loaded, total, unit: 'bytes' }),
  }
}

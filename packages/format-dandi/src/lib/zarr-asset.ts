import { InvalidDataError, UnsupportedError } from '@spikes/core'

/** Where a Zarr asset's objects live: the bucket's URL and the key prefix of the store (`zarr/<zarr_id>/`). */
export interface ZarrLocation {
  /** The bucket's base URL as the archive publishes it (`https://dandiarchive.s3.amazonaws.com/`). */
  bucketUrl: string
  /** Bucket name, for `s3://` names in messages and metadata. */
  bucket: string
  /** Key prefix of the store, ending in '/'. */
  prefix: string
  /** The store's zarr id. */
  zarrId: string
  /** The store's URL (`bucketUrl` + `prefix`). */
  url: string
}

/**
 * The storage folder of a Zarr asset, from its record's contentUrl: the archive lists the API's `/download/`
 * URL (which answers 400 for a Zarr) and the store's folder in its bucket,
 * `https://dandiarchive.s3.amazonaws.com/zarr/<zarr_id>/`. Path-style bucket URLs are understood too.
 */
export function zarrLocation(assetId: string, path: string, contentUrls: string[]): ZarrLocation {
  for (const candidate of contentUrls) {
    let url: URL
    try {
      url = new URL(candidate)
    } catch {
      continue
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue
    const m = /^(\/(?:[^/]+\/)*?)(zarr\/([^/]+))\/?$/.exec(url.pathname)
    if (!m) continue
    const bucketUrl = `${url.origin}${m[1]}`
    const hosted = /^([^.]+)\.s3[.-]/.exec(url.hostname)
    const bucket = hosted ? hosted[1]! : (m[1]!.split('/').filter(Boolean)[0] ?? url.hostname)
    const prefix = `${m[2]}/`
    return { bucketUrl, bucket, prefix, zarrId: decodeURIComponent(m[3]!), url: bucketUrl + prefix }
  }
  if (!contentUrls.length) {
    throw new UnsupportedError('dandi-zarr-asset', `DANDI asset ${assetId} (${path}) is a Zarr archive, and its record gives no contentUrl to find its storage folder.`, { assetId, path, contentUrls })
  }
  throw new InvalidDataError(`DANDI asset ${assetId} (${path}) is a Zarr archive, but none of its contentUrls names a storage folder ending in zarr/<zarr_id>/: ${contentUrls.join(', ')}.`, { assetId, path, contentUrls })
}

import { InvalidArgumentError, InvalidSourceError, MissingFileError, NetworkError, type ByteSource, type FolderEntry, type FolderSource, type TransferStats } from '@spikes/core'
import { fetchWithRetry, readBodyCapped } from '../http/http-fetch.js'
import { HttpSource, type HttpSourceOptions } from '../http/http-source.js'
import { MAX_LISTING_BYTES, MAX_LISTING_ENTRIES } from '../http/folder-listing.js'
import { cleanPath, folderTraffic, listedFolder } from '../listed-folder.js'
import { resolveS3Access, s3ErrorCode, s3ObjectUrl, signS3Request, uriEncode, type S3Credentials, type S3Options } from './s3-client.js'

/** Options of {@link s3Folder}: the S3 ones (credentials, region, endpoint) and those of the files' HttpSources. */
export type S3FolderOptions = S3Options &
  Omit<HttpSourceOptions, 'fetch' | 'headers' | 'signal' | 'timeoutMs' | 'retries' | 'size'> & {
    /**
     * The bucket's own URL as a public archive publishes it (virtual-hosted `https://bucket.s3.amazonaws.com/`
     * or path-style): listings and objects are requested there, unsigned, with no credential or region
     * lookup (boto's UNSIGNED, as dandi-cli reads the DANDI bucket).
     */
    bucketUrl?: string
  }

/** A "folder" of an S3 bucket (the keys under a prefix); counts its listings and every file it opened. */
export interface S3FolderSource extends FolderSource {
  readonly url: string
  readonly stats: TransferStats
}

/**
 * A folder in an S3 bucket (or an S3-compatible store), `s3://bucket/prefix/`, for folder formats
 * (KiloSort/Phy, ALF, SpikeInterface ...): listed with ListObjectsV2 (delimiter '/', every page), files read
 * in place with Range requests. Requests are signed (SigV4) when the credential chain finds credentials
 * (options, AWS_* variables, ~/.aws files on Node), unsigned otherwise (public buckets). On AWS without a
 * configured region, the bucket's region is looked up (resolveS3Access). An endpoint
 * (`endpointUrl`, AWS_ENDPOINT_URL) selects an S3-compatible server (MinIO, Ceph ...). Works in browsers with
 * explicit credentials or a public bucket that allows the page's origin. `loadSpikeData('s3://bucket/ks/')`
 * uses this for any s3:// URL that ends in '/'.
 *
 * Errors: no such bucket → MissingFileError; 403 → NetworkError (`status`, `s3Code`) saying what to check;
 * a missing file → MissingFileError; a path with '..' → InvalidArgumentError.
 */
export function s3Folder(url: string, options: S3FolderOptions = {}): S3FolderSource {
  const m = /^s3:\/\/([^/?#]+)\/?([^?#]*)$/i.exec(url)
  if (!m) throw new InvalidArgumentError('url', url, 's3://bucket/prefix/')
  const bucket = m[1]!
  const prefix = m[2] ? m[2].replace(/\/*$/, '/') : ''
  const folderUrl = `s3://${bucket}/${prefix}`
  const traffic = folderTraffic()
  let access: Promise<{ bucketUrl: string; fetch: typeof fetch }> | undefined
  const connect = () =>
    (access ??= options.bucketUrl
      ? Promise.resolve({ bucketUrl: options.bucketUrl.replace(/\/*$/, '/'), fetch: options.fetch ?? globalThis.fetch })
      : resolveS3Access(bucket, options).then(({ credentials, region, endpoint }) => ({ bucketUrl: s3ObjectUrl(bucket, '', region, endpoint), fetch: signingFetch(credentials, region, options) })))
  const http = { timeoutMs: options.timeoutMs, retries: options.retries, signal: options.signal, backoffMs: (options as HttpSourceOptions).backoffMs }

  const { list, entry, forget } = listedFolder((dir) => connect().then(({ bucketUrl, fetch }) => listPrefix(bucket, prefix + (dir ? `${dir}/` : ''), bucketUrl, { ...http, fetch }, traffic.listing)))

  return {
    type: 'folder',
    name: prefix ? prefix.slice(0, -1).split('/').pop()! : bucket,
    url: folderUrl,
    get stats() {
      return traffic.total()
    },
    list,
    async exists(path) {
      return (await entry(path))?.kind === 'file'
    },
    async open(path): Promise<ByteSource> {
      const found = await entry(path)
      if (found?.kind !== 'file') throw new MissingFileError(cleanPath(path), folderUrl)
      const { bucketUrl, fetch } = await connect()
      // The listing's size: no request for it, and a browser needs no Content-Range (a bucket's CORS may hide it).
      return traffic.track(new HttpSource(bucketUrl + uriEncode(prefix + cleanPath(path), true), { ...options, ...http, fetch, headers: undefined, size: found.size }))
    },
    async close() {
      forget()
    },
  }
}

/** fetch that signs each request (SigV4, with its Range header) just before it is sent; plain fetch without credentials. */
function signingFetch(credentials: S3Credentials | null, region: string, options: S3Options): typeof fetch {
  const base = options.fetch ?? globalThis.fetch
  if (!credentials) return base
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const given = Object.fromEntries(Object.entries((init.headers as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const headers = await signS3Request({ method: init.method ?? 'GET', url, headers: given, region, credentials, date: options.now?.() ?? new Date() })
    return base(url, { ...init, headers })
  }) as typeof fetch
}

/** Every entry directly under `prefix`: ListObjectsV2 with delimiter '/', following continuation tokens. */
async function listPrefix(bucket: string, prefix: string, bucketUrl: string, http: { fetch: typeof fetch; timeoutMs?: number; retries?: number; signal?: AbortSignal; backoffMs?: number }, stats: TransferStats): Promise<FolderEntry[]> {
  const entries: FolderEntry[] = []
  let token: string | undefined
  do {
    const query = new URLSearchParams({ 'list-type': '2', delimiter: '/', prefix })
    if (token) query.set('continuation-token', token)
    const target = `${bucketUrl}?${query.toString().replace(/\+/g, '%20')}`
    stats.requests++
    let text: string
    try {
      const response = await fetchWithRetry(target, {}, http)
      const tooLarge = () => new InvalidSourceError(`A listing page of s3://${bucket}/${prefix} is larger than ${MAX_LISTING_BYTES} bytes; is the endpoint an S3-compatible server?`, { url: `s3://${bucket}/${prefix}`, maxBytes: MAX_LISTING_BYTES })
      text = new TextDecoder().decode(await readBodyCapped(response, MAX_LISTING_BYTES, tooLarge, target))
    } catch (error) {
      const status = error instanceof NetworkError ? (error.details as { status?: number }).status : undefined
      if (status === 404) throw new MissingFileError(prefix || '/', `s3://${bucket}`, `S3 answered 404 (${s3ErrorCode((error as Error).message) ?? 'Not Found'}): check the bucket name and the endpoint.`)
      if (status === 403) throw new NetworkError(`S3 refused to list s3://${bucket}/${prefix} (403 ${s3ErrorCode((error as Error).message) ?? 'Forbidden'}). Check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE), the region and the endpoint; the bucket must allow ListBucket.`, { url: `s3://${bucket}/${prefix}`, status, s3Code: s3ErrorCode((error as Error).message) }, { cause: error })
      throw error
    }
    stats.bytes += text.length
    if (!/<ListBucketResult[\s>]/.test(text)) throw new InvalidSourceError(`The listing of s3://${bucket}/${prefix} is not an S3 ListBucketResult; is the endpoint an S3-compatible server?`, { url: `s3://${bucket}/${prefix}` })
    for (const [, key, size] of text.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<Size>(\d+)<\/Size>[\s\S]*?<\/Contents>/g)) {
      const name = xmlText(key!).slice(prefix.length)
      if (name && !name.includes('/')) entries.push({ name, kind: 'file', size: Number(size) })
    }
    for (const [, p] of text.matchAll(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>\s*<\/CommonPrefixes>/g)) {
      const name = xmlText(p!).slice(prefix.length).replace(/\/$/, '')
      if (name && !name.includes('/')) entries.push({ name, kind: 'folder' })
    }
    if (entries.length > MAX_LISTING_ENTRIES) throw new InvalidSourceError(`s3://${bucket}/${prefix} holds more than ${MAX_LISTING_ENTRIES} entries; point at a narrower prefix.`, { url: `s3://${bucket}/${prefix}`, entries: entries.length })
    token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? xmlText(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(text)?.[1] ?? '') || undefined : undefined
  } while (token)
  return entries
}

function xmlText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-f]+));/gi, (_, e: string, dec?: string, hexa?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hexa ? String.fromCodePoint(parseInt(hexa, 16)) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  )
}

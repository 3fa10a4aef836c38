import { InvalidArgumentError, InvalidDataError, MissingEntryError, NetworkError } from '@spikes/core'
import { httpRequest, redact } from '@spikes/remote'
import { resolveClientOptions, type DandiClientOptions, type ResolvedClient as Resolved } from './client-options.js'

export { DANDI_API_BASE, resolveClientOptions, type DandiClientOptions } from './client-options.js'

export const DEFAULT_PAGE_SIZE = 100

/** One asset of a listing, as SpikeLab's list_dandi_assets yields it (camelCase). */
export interface DandiAsset {
  assetId: string
  path: string
  size: number
  downloadUrl: string
  dandisetId: string
  version: string
  /** True for a Zarr asset (the row names a zarr, not a blob): a folder of objects, not one downloadable file. */
  zarr: boolean
}

/** The asset metadata document (GET /assets/{id}/), with the fields a download needs picked out. */
export interface DandiAssetDetail {
  assetId: string
  path: string
  /** Bytes, from contentSize (undefined when the document has none). */
  size: number | undefined
  downloadUrl: string
  /** Every contentUrl of the document (archive download URL, then direct storage URL). */
  contentUrls: string[]
  /** Lower-case hex SHA-256 from digest['dandi:sha2-256'], when the archive computed it (it does so late, after upload). */
  sha256: string | undefined
  /** digest['dandi:dandi-etag']: the multipart S3 ETag the archive records for every blob at upload. */
  dandiEtag: string | undefined
  /** True for a Zarr asset (encodingFormat application/x-zarr, a zarr checksum, or a .zarr/.ngff path): no single file to download. */
  zarr: boolean
  encodingFormat: string | undefined
  /** The document as the API returned it. */
  metadata: Record<string, unknown>
}

/** Options of {@link listAssets}: connection settings plus the listing's version, filters and page size. */
export interface ListAssetsOptions extends DandiClientOptions {
  /** Dandiset version (default 'draft'). */
  version?: string
  /** Server-side glob on the asset path, e.g. '*.nwb' or 'sub-01/*'. */
  glob?: string
  /** Server-side path prefix filter. */
  path?: string
  /** Results per page (default 100, at most 1000); the iterator pages on its own. */
  pageSize?: number
  /** Called once per listing page fetched (callers that count API requests use it). */
  onPage?: () => void
}

/** Authorization header for `url`: only when it is on the API's own origin (never sent to storage redirects). */
export function authHeaders(r: Resolved, url: string): Record<string, string> {
  if (!r.token) return {}
  try {
    if (new URL(url).origin !== new URL(r.apiBase).origin) return {}
  } catch {
    return {}
  }
  return { Authorization: `token ${r.token}` }
}

/** GET a JSON document from the API with retries; 404 becomes MissingEntryError, 401/403 a NetworkError with a hint. */
export async function getJson(r: Resolved, url: string, what: { entry: string; container: string }): Promise<unknown> {
  let answer: Awaited<ReturnType<typeof httpRequest>>
  try {
    answer = await httpRequest(url, { headers: { Accept: 'application/json', ...authHeaders(r, url) } }, r.http)
  } catch (error) {
    throw mapHttpError(error, r, what)
  }
  const text = new TextDecoder().decode(answer.body)
  try {
    return JSON.parse(text)
  } catch {
    throw new NetworkError(`${redact(url)} did not answer JSON (got ${JSON.stringify(text.slice(0, 80))}).`, { url: redact(url), status: answer.status })
  }
}

export function mapHttpError(error: unknown, r: Resolved, what: { entry: string; container: string }): unknown {
  const status = (error as { status?: number })?.status
  if (status === 404) return new MissingEntryError(what.entry, what.container, [], 'Check the identifier, the version and the apiBase.')
  if (status === 401 || status === 403) {
    const d = ((error as NetworkError).details ?? {}) as { url?: string }
    return new NetworkError(
      r.token
        ? `The DANDI API refused the token for ${what.entry} (HTTP ${status}). Check that the token is valid and has access to this dandiset.`
        : `${what.entry} needs authentication (HTTP ${status}): it is probably embargoed. Set DANDI_API_TOKEN or pass apiToken.`,
      { url: d.url, status, authRequired: true, tokenSent: !!r.token },
    )
  }
  return error
}

/**
 * All assets of a dandiset version, page after page (async iterator), with SpikeLab's download-URL
 * fallbacks: the row's download_url, else its first contentUrl, else {apiBase}/assets/{id}/download/.
 */
export async function* listAssets(dandisetId: string, options: ListAssetsOptions = {}): AsyncGenerator<DandiAsset, void, undefined> {
  checkDandisetId(dandisetId)
  const version = options.version ?? 'draft'
  if (typeof version !== 'string' || !version || /[/?#\s]/.test(version)) throw new InvalidArgumentError('version', version, "'draft' or a published version such as '0.230629.1955'")
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 1000)) throw new InvalidArgumentError('pageSize', pageSize, 'a whole number from 1 to 1000')
  if (options.glob !== undefined && (typeof options.glob !== 'string' || !options.glob)) throw new InvalidArgumentError('glob', options.glob, "a glob pattern such as '*.nwb'")
  if (options.path !== undefined && (typeof options.path !== 'string' || !options.path)) throw new InvalidArgumentError('path', options.path, 'an asset path prefix')
  const r = resolveClientOptions(options)
  const params = new URLSearchParams({ page_size: String(pageSize) })
  if (options.glob) params.set('glob', options.glob)
  if (options.path) params.set('path', options.path)
  let url: string | null = `${r.apiBase}/dandisets/${encodeURIComponent(dandisetId)}/versions/${encodeURIComponent(version)}/assets/?${params}`
  const seen = new Set<string>()
  while (url) {
    if (seen.has(url)) throw new InvalidDataError(`The DANDI API returned the same page twice (${redact(url)}); stopping.`, { url: redact(url) })
    seen.add(url)
    const page = (await getJson(r, url, { entry: `dandiset ${dandisetId} version ${version}`, container: `the DANDI Archive at ${r.apiBase}` })) as { results?: unknown; next?: unknown }
    options.onPage?.()
    if (!page || typeof page !== 'object' || !Array.isArray(page.results)) throw new InvalidDataError(`Unexpected asset listing from ${redact(url)}: no 'results' array.`, { url: redact(url) })
    for (const entry of page.results as Record<string, unknown>[]) {
      const assetId = String(entry.asset_id ?? entry.identifier ?? '')
      yield { assetId, path: String(entry.path ?? ''), size: toSize(entry.size) ?? 0, downloadUrl: pickDownloadUrl(entry, r.apiBase, assetId), dandisetId, version, zarr: typeof entry.zarr === 'string' && !!entry.zarr }
    }
    url = typeof page.next === 'string' && page.next ? page.next : null
  }
}

/** The asset metadata document: path, size, SHA-256 digest and download URL of one asset. */
export async function getAsset(assetId: string, options: DandiClientOptions = {}): Promise<DandiAssetDetail> {
  checkAssetId(assetId)
  const r = resolveClientOptions(options)
  const doc = (await getJson(r, `${r.apiBase}/assets/${encodeURIComponent(assetId)}/`, { entry: `asset ${assetId}`, container: `the DANDI Archive at ${r.apiBase}` })) as Record<string, unknown>
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidDataError(`Unexpected asset document for ${assetId}.`, { assetId })
  const contentUrls = toUrls(doc.contentUrl ?? doc.contentUrls)
  const digest = (doc.digest ?? {}) as Record<string, unknown>
  const sha = typeof digest['dandi:sha2-256'] === 'string' ? (digest['dandi:sha2-256'] as string).toLowerCase() : undefined
  const etag = typeof digest['dandi:dandi-etag'] === 'string' ? (digest['dandi:dandi-etag'] as string).toLowerCase() : undefined
  const encodingFormat = typeof doc.encodingFormat === 'string' ? doc.encodingFormat : undefined
  const path = String(doc.path ?? '')
  return {
    assetId,
    path,
    size: toSize(doc.contentSize ?? doc.size),
    downloadUrl: pickDownloadUrl(doc, r.apiBase, assetId),
    contentUrls,
    sha256: sha && /^[0-9a-f]{64}$/.test(sha) ? sha : undefined,
    dandiEtag: etag && /^[0-9a-f]{32}-\d{1,5}$/.test(etag) ? etag : undefined,
    zarr: /zarr/i.test(encodingFormat ?? '') || typeof digest['dandi:dandi-zarr-checksum'] === 'string' || /\.(zarr|ngff)\/?$/i.test(path),
    encodingFormat,
    metadata: doc,
  }
}

function pickDownloadUrl(entry: Record<string, unknown>, apiBase: string, assetId: string): string {
  if (typeof entry.download_url === 'string' && entry.download_url) return entry.download_url
  const urls = toUrls(entry.contentUrl ?? entry.contentUrls)
  return urls[0] ?? `${apiBase}/assets/${encodeURIComponent(assetId)}/download/`
}

function toUrls(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : []
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : []
}

function toSize(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

export function checkDandisetId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !/^\d{6}$/.test(id)) throw new InvalidArgumentError('dandisetId', id, "a six-digit dandiset identifier such as '000006' (leading zeros matter)")
}

export function checkAssetId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]{2,127}$/.test(id)) throw new InvalidArgumentError('assetId', id, 'a DANDI asset id (a UUID such as bb61e86d-e28f-4da7-b07a-44dfa377cf32)')
}

import { AbortedError, InvalidArgumentError, MissingEntryError, NetworkError } from '@spikes/core'
import { httpTransport, redact, retryDelay, sleep, TransportFault, type HttpAnswer } from '@spikes/remote'
import { authHeaders, getAsset, listAssets, resolveClientOptions, type DandiClientOptions } from './client.js'
import { parseDandiInput } from './reference.js'
import { zarrLocation, type ZarrLocation } from './zarr-asset.js'

/** Everything a load or an export needs to know about one asset before touching its bytes. */
export interface ResolvedAsset {
  assetId: string
  dandisetId: string | undefined
  version: string
  /** Asset path in the dandiset ('' when unknown, e.g. a plain URL input). */
  path: string
  size: number | undefined
  sha256: string | undefined
  /** The archive's dandi-etag (multipart S3 ETag), checked on downloads. */
  dandiEtag: string | undefined
  downloadUrl: string
  /** The archive's download URL without secrets, for metadata and messages. */
  publicUrl: string
  apiBase: string
  /** A Zarr asset's storage folder (its download URL answers 400); undefined for a blob. */
  zarr: ZarrLocation | undefined
  /** API requests made to resolve it. */
  requests: number
  /** The download redirect, resolved beside the asset record (resolveAsset's resolveDownload). */
  download?: ResolvedDownload
}

/** Where an asset's bytes come from after the archive's redirect (see resolveRedirects). */
export interface ResolvedDownload {
  url: string
  headers: Record<string, string>
  requests: number
}

/**
 * Turns an asset id, an asset URL or a dandi:// reference into the asset's id, path, size, digest and
 * download URL (the asset-detail call of SpikeLab, plus a listing for dandi:// paths).
 */
export async function resolveAsset(
  input: string,
  base: { dandisetId: string | null; version: string; client: DandiClientOptions; assetId?: string; resolveDownload?: boolean },
): Promise<ResolvedAsset> {
  const target = parseDandiInput(input)
  const client = { ...base.client }
  if ((target.kind === 'asset' || target.kind === 'path') && target.apiBase && base.client.apiBase === undefined) client.apiBase = target.apiBase
  const r = resolveClientOptions(client)
  if (target.kind === 'url') {
    return {
      assetId: target.assetId,
      dandisetId: base.dandisetId ?? undefined,
      version: base.version,
      path: '',
      size: undefined,
      sha256: undefined,
      dandiEtag: undefined,
      downloadUrl: target.url,
      publicUrl: redact(target.url),
      apiBase: r.apiBase,
      zarr: undefined,
      requests: 0,
    }
  }
  let requests = 0
  let assetId: string
  let dandisetId = base.dandisetId ?? undefined
  let version = base.version
  if (target.kind === 'path' && base.assetId) {
    dandisetId = target.dandisetId
    version = target.version
    assetId = base.assetId
  } else if (target.kind === 'path') {
    dandisetId = target.dandisetId
    version = target.version
    const found = await lookupPath(target.dandisetId, version, target.path, client, r.apiBase)
    requests += found.requests
    assetId = found.assetId
  } else {
    assetId = target.assetId
    dandisetId = base.dandisetId ?? target.dandisetId
    version = target.version ?? base.version
  }
  // The redirect of the usual download URL is asked for beside the record (one round trip, not two).
  const guessedUrl = `${r.apiBase}/assets/${encodeURIComponent(assetId)}/download/`
  let failedRedirects = 0
  const redirect = () => resolveRedirects(guessedUrl, client).catch(() => void failedRedirects++)
  // Zarr assets (paths ending .zarr/.ngff) have no download to resolve.
  const speculate = base.resolveDownload && !(target.kind === 'path' && /\.(zarr|ngff)$/i.test(target.path))
  const [detail, download] = await Promise.all([getAsset(assetId, client), speculate ? redirect() : undefined])
  requests++
  if (target.kind === 'path' && detail.path !== target.path) {
    throw new InvalidArgumentError('assetId', assetId, `the id of ${target.path} (asset ${assetId} is ${detail.path})`)
  }
  const zarr = detail.zarr ? zarrLocation(assetId, detail.path, detail.contentUrls) : undefined
  const downloadUrl = target.kind === 'asset' && target.downloadUrl ? target.downloadUrl : detail.downloadUrl
  const useDownload = download && !zarr && downloadUrl === guessedUrl
  // A redirect resolved for nothing (a Zarr asset, another download URL) still counts as API requests.
  requests += failedRedirects + (download && !useDownload ? download.requests : 0)
  return {
    assetId,
    dandisetId,
    version,
    path: detail.path,
    size: detail.size,
    sha256: detail.sha256,
    dandiEtag: detail.dandiEtag,
    downloadUrl,
    publicUrl: redact(downloadUrl),
    apiBase: r.apiBase,
    zarr,
    requests,
    ...(useDownload ? { download } : {}),
  }
}

/**
 * Resolves the archive's download redirect (to signed storage) by hand, so the token goes only to the
 * API's origin; returns the URL the bytes come from and the headers to send there. In a browser, which
 * does not show redirects to pages, returns `url` itself.
 */
export async function resolveRedirects(url: string, client: DandiClientOptions): Promise<{ url: string; headers: Record<string, string>; requests: number }> {
  const r = resolveClientOptions(client)
  const transport = httpTransport(client)
  const headers = { ...authHeaders(r, url), Range: 'bytes=0-0' }
  let requests = 0
  let response: HttpAnswer
  for (let attempt = 0; ; attempt++) {
    requests++
    try {
      response = await transport(url, { headers, redirect: 'manual', headersOnly: true, timeoutMs: r.http.timeoutMs, signal: client.signal })
    } catch (error) {
      if (client.signal?.aborted || (error as TransportFault).kind === 'aborted') throw new AbortedError(`Request to ${redact(url)}`)
      if (!(error instanceof TransportFault)) throw error
      if (attempt >= r.http.retries) throw new NetworkError(`Request to ${redact(url)} failed: ${(error as Error)?.message ?? error}.`, { url: redact(url) }, { cause: error })
      await sleep(r.http.backoffMs * 2 ** attempt)
      continue
    }
    if ((response.status === 429 || response.status >= 500) && attempt < r.http.retries) {
      await sleep(retryDelay(response.header('retry-after'), r.http.backoffMs * 2 ** attempt))
      continue
    }
    break
  }
  if (response.opaqueRedirect) {
    // A browser hides a redirect's target from the page: the reader follows it itself (and, with
    // synchronous XHR, learns where it went from responseURL).
    return { url, headers: authHeaders(r, url), requests }
  }
  const location = response.header('location')
  if (response.status >= 300 && response.status < 400 && location) {
    // The archive answers with a signed storage URL; reads go there (a further hop is followed by the
    // reader itself, without credentials).
    const next = new URL(location, url).toString()
    return { url: next, headers: authHeaders(r, next), requests }
  }
  if (response.status === 200 || response.status === 206 || response.status === 416) return { url, headers: authHeaders(r, url), requests }
  if (response.status === 401 || response.status === 403) {
    throw new NetworkError(
      r.token ? `The DANDI archive refused the token for ${redact(url)} (HTTP ${response.status}).` : `${redact(url)} needs authentication (HTTP ${response.status}): set DANDI_API_TOKEN or pass apiToken.`,
      { url: redact(url), status: response.status, authRequired: true, tokenSent: !!r.token },
    )
  }
  throw new NetworkError(`GET ${redact(url)} failed with HTTP ${response.status}.`, { url: redact(url), status: response.status })
}

/** The id of the asset at `path` in a dandiset version, from a listing narrowed to that path. */
async function lookupPath(dandisetId: string, version: string, path: string, client: DandiClientOptions, apiBase: string): Promise<{ assetId: string; requests: number }> {
  let requests = 0
  const nearby: string[] = []
  for await (const a of listAssets(dandisetId, { ...client, version, path, pageSize: 100, onPage: () => requests++ })) {
    if (a.path === path) return { assetId: a.assetId, requests }
    if (nearby.length < 20) nearby.push(a.path)
  }
  throw new MissingEntryError(path, `dandiset ${dandisetId} version ${version} at ${apiBase}`, nearby, 'Asset paths are case-sensitive; list them with `spikes dandi ls <dandiset>`.')
}

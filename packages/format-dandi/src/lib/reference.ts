import { InvalidArgumentError } from '@spikes/core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const VERSION = /^(draft|\d+\.\d+\.\d+)$/

/** dandi-cli's instance names (`dandi://<instance>/...`) and their API roots. */
export const DANDI_INSTANCES: Readonly<Record<string, string>> = {
  dandi: 'https://api.dandiarchive.org/api',
  'dandi-sandbox': 'https://api.sandbox.dandiarchive.org/api',
}

/** What an input names: an asset by id (maybe with its API), an asset by path in a dandiset, or a plain URL. */
export type DandiTarget =
  | { kind: 'asset'; assetId: string; dandisetId?: string; version?: string; apiBase?: string; downloadUrl?: string }
  | { kind: 'path'; dandisetId: string; version: string; path: string; apiBase?: string }
  | { kind: 'url'; url: string; assetId: string }

/**
 * Parses the inputs the `dandi` loader accepts:
 * - `dandi://<dandiset>/<version>/<path>` (version: 'draft' or '0.230629.1955'; omitted means draft)
 * - dandi-cli's forms: `dandi://DANDI/000027@draft/<path>` (instance `DANDI` or `DANDI-SANDBOX`, `@version`
 *   optional: draft) and `DANDI:000027/<version>/<path>`
 * - `dandi://assets/<asset-id>`, SpikeLab's `dandi://dandiarchive.org/dandisets/<id>/versions/<v>/assets/<asset-id>`
 *   and `dandi://dandiarchive.org/assets/<asset-id>`
 * - a bare asset id (UUID)
 * - an API URL (`.../api/assets/<id>/download/`, `.../api/assets/<id>/`,
 *   `.../api/dandisets/<d>/versions/<v>/assets/<id>/`, `.../assets/?path=<path>`): its API base is used
 * - the web app's `https://dandiarchive.org/dandiset/<d>/<version>/files?location=<path>` (also after `#/`)
 * - any other http(s) URL: downloaded or read as is (SpikeLab: the last path segment is the asset id).
 */
export function parseDandiInput(input: unknown): DandiTarget {
  if (typeof input !== 'string' || !input.trim()) throw new InvalidArgumentError('asset', input, 'a dandi:// URL, a DANDI asset id or an asset URL')
  const text = input.trim()
  if (UUID.test(text)) return { kind: 'asset', assetId: text.toLowerCase() }
  if (/^dandi:\/\//i.test(text)) return parseDandiUrl(text)
  if (/^dandi:\d{6}(\/|$)/i.test(text)) return parseDandiUrl(`dandi://${text.slice('dandi:'.length)}`)
  if (/^https?:\/\//i.test(text)) return parseHttpUrl(text)
  throw new InvalidArgumentError('asset', input, 'a dandi:// URL (dandi://000006/draft/sub-01/x.nwb), a DANDI asset id (UUID) or an http(s) asset URL')
}

function parseDandiUrl(text: string): DandiTarget {
  const rest = text.replace(/^dandi:\/\//i, '').replace(/[?#].*$/, '')
  const segments = rest.split('/').filter((s) => s.length > 0).map(decode)
  const bad = () => new InvalidArgumentError('asset', text, 'dandi://<dandiset>/<version>/<path>, e.g. dandi://000006/draft/sub-anm369962/sub-anm369962_ses-20170310.nwb')
  if (segments.some((s) => s === '..' || s === '.')) throw bad()
  const host = segments[0]?.toLowerCase()
  if (host === 'assets' && segments.length === 2 && UUID.test(segments[1])) return { kind: 'asset', assetId: segments[1].toLowerCase() }
  if (host === 'dandiarchive.org' || host === 'api.dandiarchive.org') {
    const s = segments.slice(1)
    if (s[0] === 'assets' && s.length === 2 && UUID.test(s[1])) return { kind: 'asset', assetId: s[1].toLowerCase() }
    if (s[0] === 'dandisets' && s[2] === 'versions' && s[4] === 'assets' && s.length === 6 && UUID.test(s[5])) {
      return { kind: 'asset', assetId: s[5].toLowerCase(), dandisetId: s[1], version: s[3] }
    }
    throw bad()
  }
  if (host && !/^\d{6}$/.test(host) && (host in DANDI_INSTANCES || /^[a-z][\w-]*$/.test(host))) return parseInstanceUrl(text, host, segments.slice(1), rest.endsWith('/'), bad)
  const dandisetId = segments[0]
  if (!dandisetId || !/^\d{6}$/.test(dandisetId)) throw bad()
  let version = 'draft'
  let pathSegments = segments.slice(1)
  if (pathSegments.length > 0 && VERSION.test(pathSegments[0])) {
    version = pathSegments[0]
    pathSegments = pathSegments.slice(1)
  }
  if (pathSegments.length === 0) throw bad()
  return { kind: 'path', dandisetId, version, path: pathSegments.join('/') }
}

/** dandi-cli's `dandi://<instance>/<dandiset>[@<version>]/<path>`. */
function parseInstanceUrl(text: string, instance: string, segments: string[], folder: boolean, bad: () => Error): DandiTarget {
  const apiBase = DANDI_INSTANCES[instance]
  if (!apiBase) throw new InvalidArgumentError('asset', text, `a known DANDI instance (${Object.keys(DANDI_INSTANCES).map((k) => k.toUpperCase()).join(', ')}), or pass apiBase with dandi://<dandiset>/<version>/<path>`)
  const m = /^(\d{6})(?:@(.+))?$/.exec(segments[0] ?? '')
  if (!m) throw bad()
  const version = m[2] ?? 'draft'
  if (!VERSION.test(version)) throw new InvalidArgumentError('asset', text, "a version 'draft' or '0.230629.1955' after '@'")
  if (segments.length < 2) throw new InvalidArgumentError('asset', text, `the path of one asset after the dandiset (dandi://${instance.toUpperCase()}/${m[1]}@${version}/sub-01/sub-01.nwb)`)
  if (folder) throw new InvalidArgumentError('asset', text, 'the path of one asset, not a folder (no trailing /)')
  return { kind: 'path', dandisetId: m[1]!, version, path: segments.slice(1).join('/'), ...(instance === 'dandi' ? {} : { apiBase }) }
}

function parseHttpUrl(text: string): DandiTarget {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InvalidArgumentError('asset', text, 'a valid URL')
  }
  const archive = parseArchivePath(url, text)
  if (archive) return archive
  const p = url.pathname
  let m = /^(.*)\/assets\/([0-9a-f-]{36})(?:\/download)?\/?$/i.exec(p)
  if (m && UUID.test(m[2])) {
    const nested = /^(.*)\/dandisets\/(\d{6})\/versions\/([^/]+)$/.exec(m[1])
    const apiPath = nested ? nested[1] : m[1]
    return {
      kind: 'asset',
      assetId: m[2].toLowerCase(),
      dandisetId: nested?.[2],
      version: nested ? decode(nested[3]) : undefined,
      apiBase: `${url.origin}${apiPath}`,
      downloadUrl: /\/download\/?$/.test(p) ? text : undefined,
    }
  }
  m = /\/([^/]+)\/?$/.exec(p)
  return { kind: 'url', url: text, assetId: m ? decode(m[1]) : text }
}

/** The web app's hosts of each DANDI instance (dandi-cli's GUI URLs), by API root. */
const GUI_HOSTS: Readonly<Record<string, string>> = {
  'dandiarchive.org': DANDI_INSTANCES.dandi!,
  'www.dandiarchive.org': DANDI_INSTANCES.dandi!,
  'gui.dandiarchive.org': DANDI_INSTANCES.dandi!,
  'sandbox.dandiarchive.org': DANDI_INSTANCES['dandi-sandbox']!,
  'gui-staging.dandiarchive.org': DANDI_INSTANCES['dandi-sandbox']!,
}

/**
 * dandi-cli's asset-by-path URLs: the API's `.../dandisets/<d>/versions/<v>/assets/?path=<path>` and the web
 * app's `https://dandiarchive.org/[#/]dandiset/<d>[/<version>]/files?location=<path>` (the version defaults to
 * draft, as in dandi:// paths). Both must name one asset: a folder (trailing '/') or a glob is refused.
 */
function parseArchivePath(url: URL, text: string): DandiTarget | undefined {
  const one = (path: string | null, how: string): string => {
    if (!path || path.endsWith('/') || path.split('/').some((s) => s === '..' || s === '.')) throw new InvalidArgumentError('asset', text, `the path of one asset in ${how} (a file, not a folder: no trailing /)`)
    return path.replace(/^\/+/, '')
  }
  const api = /^(.*)\/dandisets\/(\d{6})\/versions\/([^/]+)\/assets\/?$/.exec(url.pathname)
  if (api) {
    if (url.searchParams.has('glob')) throw new InvalidArgumentError('asset', text, 'one asset: ?path=<path>, not ?glob= (a glob names several assets)')
    return { kind: 'path', dandisetId: api[2]!, version: decode(api[3]!), path: one(url.searchParams.get('path'), '?path='), apiBase: `${url.origin}${api[1]}` }
  }
  // The older web app keeps its route, query included, after '#'.
  const route = url.hash.startsWith('#/') ? hashRoute(url) : url
  const gui = /^(?:\/api)?\/dandiset\/(\d{6})(?:\/([^/]+))?(?:\/files)?\/?$/.exec(route.pathname)
  if (!gui) return undefined
  const version = gui[2] === undefined || gui[2] === 'files' ? 'draft' : decode(gui[2])
  if (!VERSION.test(version)) throw new InvalidArgumentError('asset', text, "a version 'draft' or '0.230629.1955' after the dandiset id")
  const path = one(route.searchParams.get('location'), 'files?location=')
  const apiBase = GUI_HOSTS[url.hostname.toLowerCase()] ?? `${url.origin}/api`
  return { kind: 'path', dandisetId: gui[1]!, version, path, ...(apiBase === DANDI_INSTANCES.dandi ? {} : { apiBase }) }
}

/** The route after '#' as a path of the same origin (leading slashes collapsed, so it can never name a host). */
function hashRoute(url: URL): URL {
  try {
    return new URL(url.hash.slice(1).replace(/^\/+/, '/'), url.origin)
  } catch {
    return url
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** SpikeLab's source_reference string. */
export function sourceReference(assetId: string, dandisetId: string | undefined, version: string): string {
  return dandisetId ? `dandi://dandiarchive.org/dandisets/${dandisetId}/versions/${version}/assets/${assetId}` : `dandi://dandiarchive.org/assets/${assetId}`
}

// A DANDI Archive API emulator for tests and benchmarks, answering as the archive does: paginated asset
// listings (`count` on the first page only, rows without metadata), asset metadata documents (contentUrl,
// contentSize, digest {dandi:dandi-etag always, dandi:sha2-256 unless withheld}, encodingFormat), downloads
// that answer 302 to presigned URLs on a separate storage origin (dandi-storage.mjs: URLs expire, CORS
// exposes ETag only), Zarr assets (their /download/ answers 400), embargoed dandisets that need a token, and
// injectable faults. Shapes follow ../shared/realdata/dandi_api.
//
// Plain JS on purpose: it runs in a worker thread (see emulator.ts), because a remote HDF5 read blocks the
// thread that started it until the bytes arrive, and a server on that same thread could never answer.
import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { amzDate, dandiEtagOfFile, startStorage } from './dandi-storage.mjs'
import { zarrObjects } from './dandi-zarr-storage.mjs'

/**
 * config: { dandisets: { [id]: { version?: 'draft', embargoed?: boolean, assets: [{ path, file, wrongDigest?,
 *   noDigest?, noSha256?, wrongEtag?, contentUrl?: 'omit', ignoreRange?, zarr?: true (no file; size, or
 *   folder: a local Zarr store served from the bucket under zarr/<zarr_id>/, zarrOmit: its keys left out) }],
 *   rawResults?: [listing records served verbatim] } }, rawAssetDocs?: [asset metadata documents served
 *   verbatim at /api/assets/{identifier}/], token?: string, urlTtlSeconds?: number (presigned URLs, default 6 h),
 *   listPageSize?: number (keys per ListObjectsV2 page of the bucket, default 1000, as S3) }
 * A remote archive rather than loopback: `latencyMs` is added before every response (API and storage), and
 * `bytesPerSecond` paces every blob body (each response on its own, as a per-connection link would).
 * advanceClock(ms) moves the storage's clock forward: URLs issued before then may have expired.
 * Fault rules (setFaults): { where: 'list'|'asset'|'download'|'blob'|'zarr' (a Zarr object)|'zarr-list' (a bucket
 *   listing)|'any', key?: string (only requests whose object key or listing prefix ends with it), kind: '429'|'500'|'503'|'drop'|
 *   'short'|'ignore-range'|'slow'|'expire-urls' (time jumps past every URL issued so far), times?: number
 *   (default 1), after?: number (matching requests let through first), retryAfter?: number (s),
 *   afterBytes?: number, delayMs?: number }
 */
export async function startEmulator(config) {
  const assets = new Map() // asset_id -> record
  const blobs = new Map() // blob id -> record
  const byDandiset = new Map()
  const bucketObjects = []
  for (const [dandisetId, d] of Object.entries(config.dandisets ?? {})) {
    const version = d.version ?? 'draft'
    const list = []
    for (const a of d.assets ?? []) {
      const assetId = a.assetId ?? uuidFrom(`asset:${dandisetId}:${a.path}`)
      const blob = a.zarr ? null : uuidFrom(`blob:${dandisetId}:${a.path}`)
      const zarr = a.zarr ? uuidFrom(`zarr:${dandisetId}:${a.path}`) : null
      const objects = a.zarr && a.folder ? zarrObjects(a.folder, a.zarrOmit) : null
      for (const [key, o] of objects ?? []) bucketObjects.push([`zarr/${zarr}/${key}`, o])
      const size = objects ? [...objects.values()].reduce((n, o) => n + o.size, 0) : a.zarr ? (a.size ?? 0) : statSync(a.file).size
      const record = { ...a, dandisetId, version, embargoed: !!d.embargoed, assetId, blob, zarr, size, sha256: a.sha256 ?? null, etag: null, created: '2024-01-02T03:04:05.678901Z', modified: '2024-01-02T03:04:05.678901Z' }
      assets.set(assetId, record)
      if (blob) blobs.set(blob, record)
      list.push(record)
    }
    list.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
    byDandiset.set(dandisetId, { version, embargoed: !!d.embargoed, list, rawResults: d.rawResults ?? null })
  }

  const rawDocs = new Map((config.rawAssetDocs ?? []).map((doc) => [String(doc.identifier ?? doc.id ?? '').replace(/^dandiasset:/, ''), doc]))
  let faults = []
  const log = []
  let base = ''
  let clockOffsetMs = 0
  const now = () => Date.now() + clockOffsetMs
  const ttl = config.urlTtlSeconds ?? 6 * 3600

  let open = 0
  const server = createServer((req, res) => {
    req.openOnArrival = ++open
    res.on('close', () => open--)
    // CORS as the archive's API answers it, so pages on another origin can read (browser tests).
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After')
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, Authorization, Content-Type', 'Access-Control-Max-Age': '600' }).end()
      return
    }
    handle(req, res).catch((error) => {
      try {
        if (!res.headersSent) json(res, 500, { detail: String(error?.message ?? error) })
        else res.destroy()
      } catch {}
    })
  })
  server.keepAliveTimeout = 2000

  function record(req, kind, status, bytes = 0) {
    log.push({ method: req.method, path: req.url.replace(/\?.*$/, ''), kind, status, range: req.headers.range ?? null, bytes, auth: req.headers.authorization ? 'present' : null, open: req.openOnArrival })
  }

  function takeFault(kind, key) {
    for (const f of faults) {
      if ((f.where === kind || f.where === 'any') && (f.times ?? 1) > 0 && (f.key === undefined || (key ?? '').endsWith(f.key))) {
        if (f.after > 0) {
          f.after--
          continue
        }
        if (f.times !== Infinity) f.times = (f.times ?? 1) - 1
        if (f.kind === 'expire-urls') clockOffsetMs += ttl * 1000 + 1000
        return f
      }
    }
    return null
  }

  function authorized(req, rec) {
    if (!rec.embargoed) return true
    return req.headers.authorization === `token ${config.token}`
  }

  async function handle(req, res) {
    if (config.latencyMs) await new Promise((r) => setTimeout(r, config.latencyMs))
    const url = new URL(req.url, base)
    const p = url.pathname
    let m
    const kind = /^\/api\/dandisets\/[^/]+\/versions\/[^/]+\/assets\/$/.test(p) ? 'list' : /^\/api\/assets\/[^/]+\/download\/$/.test(p) ? 'download' : 'asset'
    const fault = takeFault(kind)
    if (fault && fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000))
    if (fault && /^\d+$/.test(fault.kind)) {
      const status = Number(fault.kind)
      const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}
      record(req, kind, status)
      return json(res, status, { detail: `emulated ${status}` }, headers)
    }

    if ((m = /^\/api\/dandisets\/([^/]+)\/versions\/([^/]+)\/assets\/$/.exec(p))) {
      const d = byDandiset.get(m[1])
      if (!d || (m[2] !== d.version && m[2] !== 'draft')) return notFound(req, res, kind)
      if (d.embargoed && req.headers.authorization !== `token ${config.token}`) return unauthorized(req, res, kind)
      const page = Number(url.searchParams.get('page') ?? 1)
      const pageSize = Number(url.searchParams.get('page_size') ?? 100)
      const glob = url.searchParams.get('glob')
      const prefix = url.searchParams.get('path')
      if (!(page >= 1 && pageSize >= 1 && pageSize <= 1000)) {
        record(req, kind, 400)
        return json(res, 400, { detail: 'invalid page or page_size' })
      }
      if (d.rawResults) {
        // Records exactly as the real API (or a dump of it) wrote them.
        const slice = d.rawResults.slice((page - 1) * pageSize, page * pageSize)
        const u = new URL(url.toString())
        u.searchParams.set('page', String(page + 1))
        record(req, kind, 200)
        return json(res, 200, { ...(page === 1 ? { count: d.rawResults.length } : {}), next: page * pageSize < d.rawResults.length ? u.toString() : null, previous: null, results: slice })
      }
      let rows = d.list
      if (glob) {
        const re = new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
        rows = rows.filter((r) => re.test(r.path))
      }
      if (prefix) rows = rows.filter((r) => r.path.startsWith(prefix))
      const slice = rows.slice((page - 1) * pageSize, page * pageSize)
      const pageUrl = (n) => {
        const u = new URL(url.toString())
        u.searchParams.set('page', String(n))
        return u.toString()
      }
      // The archive counts only on the first page, and listing rows carry no metadata.
      const body = {
        ...(page === 1 ? { count: rows.length } : {}),
        next: page * pageSize < rows.length ? pageUrl(page + 1) : null,
        previous: page > 1 ? pageUrl(page - 1) : null,
        results: slice.map(listingRow),
      }
      record(req, kind, 200)
      return json(res, 200, body)
    }
    if ((m = /^\/api\/dandisets\/([^/]+)\/versions\/([^/]+)\/assets\/([^/]+)\/$/.exec(p))) {
      const rec = assets.get(m[3])
      if (!rec || rec.dandisetId !== m[1]) return notFound(req, res, kind)
      if (!authorized(req, rec)) return unauthorized(req, res, kind)
      record(req, kind, 200)
      return json(res, 200, { ...listingRow(rec), metadata: await metadataOf(rec) })
    }
    if ((m = /^\/api\/assets\/([^/]+)\/$/.exec(p)) && rawDocs.has(m[1])) {
      record(req, kind, 200)
      return json(res, 200, rawDocs.get(m[1]))
    }
    if ((m = /^\/api\/assets\/([^/]+)\/$/.exec(p))) {
      const rec = assets.get(m[1])
      if (!rec) return notFound(req, res, kind)
      if (!authorized(req, rec)) return unauthorized(req, res, kind)
      record(req, kind, 200)
      return json(res, 200, await metadataOf(rec))
    }
    if ((m = /^\/api\/assets\/([^/]+)\/download\/$/.exec(p))) {
      const rec = assets.get(m[1])
      if (!rec) return notFound(req, res, kind)
      if (!authorized(req, rec)) return unauthorized(req, res, kind)
      if (rec.zarr) {
        record(req, kind, 400)
        return json(res, 400, ['This asset is a Zarr archive: it has no single file to download.'])
      }
      record(req, kind, 302)
      const query = new URLSearchParams({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Date': amzDate(now()), 'X-Amz-Expires': String(ttl), 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': `emulated${rec.blob.slice(0, 8)}` })
      res.writeHead(302, { Location: `${storage.url}/blobs/${rec.blob}?${query}`, 'Content-Length': '0' })
      return res.end()
    }
    return notFound(req, res, kind)
  }

  function listingRow(r) {
    return { asset_id: r.assetId, blob: r.blob, zarr: r.zarr, path: r.path, size: r.size, created: r.created, modified: r.modified }
  }

  async function sha256Of(rec) {
    if (rec.zarr) return null
    rec.etag ??= await dandiEtagOfFile(rec.file, rec.size)
    if (!rec.sha256) {
      rec.sha256 = await new Promise((resolve, reject) => {
        const h = createHash('sha256')
        createReadStream(rec.file).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject)
      })
    }
    return rec.sha256
  }

  async function metadataOf(r) {
    const sha = await sha256Of(r)
    const wrong = (algo) => createHash(algo).update('not the bytes').digest('hex')
    const digest = r.zarr ? { 'dandi:dandi-zarr-checksum': `${createHash('md5').update(r.zarr).digest('hex')}-1--${r.size}` } : r.noDigest ? undefined : { 'dandi:dandi-etag': r.wrongEtag ? `${wrong('md5')}-1` : r.etag, ...(r.noSha256 ? {} : { 'dandi:sha2-256': r.wrongDigest ? wrong('sha256') : sha }) }
    const doc = {
      '@context': 'https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/context.json',
      schemaKey: 'Asset',
      schemaVersion: '0.6.4',
      id: `dandiasset:${r.assetId}`,
      identifier: r.assetId,
      access: [{ schemaKey: 'AccessRequirements', status: r.embargoed ? 'dandi:EmbargoedAccess' : 'dandi:OpenAccess' }],
      path: r.path,
      contentSize: r.size,
      encodingFormat: r.zarr ? 'application/x-zarr' : 'application/x-nwb',
      blobDateModified: '2024-01-01T00:00:00+00:00',
      dateModified: r.modified,
      wasAttributedTo: [{ schemaKey: 'Participant', identifier: 'emulated' }],
    }
    if (r.contentUrl !== 'omit') doc.contentUrl = r.zarr ? [`${base}/api/assets/${r.assetId}/download/`, `${storage.url}/zarr/${r.zarr}/`] : [`${base}/api/assets/${r.assetId}/download/`, `${storage.url}/blobs/${r.blob}`]
    if (digest) doc.digest = digest
    return doc
  }

  function json(res, status, body, headers = {}) {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers })
    res.end(text)
  }
  function notFound(req, res, kind) {
    record(req, kind, 404)
    json(res, 404, { detail: 'Not found.' })
  }
  function unauthorized(req, res, kind) {
    record(req, kind, 401)
    json(res, 401, { detail: req.headers.authorization ? 'Invalid token.' : 'Authentication credentials were not provided.' })
  }

  // Digests up front, so no request pays for hashing a large file.
  await Promise.all([...assets.values()].map((r) => sha256Of(r)))
  bucketObjects.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
  const storage = await startStorage({ blob: (id) => blobs.get(id), zarrObjects: new Map(bucketObjects), listPageSize: config.listPageSize, now, takeFault, record, latencyMs: config.latencyMs, bytesPerSecond: config.bytesPerSecond })
  await new Promise((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${server.address().port}`
  return {
    baseUrl: base,
    apiBase: `${base}/api`,
    storageUrl: storage.url,
    assets: [...assets.values()].map((r) => ({ assetId: r.assetId, dandisetId: r.dandisetId, version: r.version, path: r.path, size: r.size, blob: r.blob, zarr: r.zarr, file: r.file ?? null, dandiEtag: r.etag })),
    advanceClock(ms) {
      clockOffsetMs += ms
    },
    setFaults(rules) {
      faults = rules.map((r) => ({ ...r, times: r.times === null ? Infinity : r.times }))
    },
    log: () => log.slice(),
    clearLog() {
      log.length = 0
    },
    close: () =>
      Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections?.()
        }),
        storage.close(),
      ]),
  }
}

/** A stable UUID-shaped id from a seed. */
export function uuidFrom(seed) {
  const h = createHash('sha1').update(seed).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

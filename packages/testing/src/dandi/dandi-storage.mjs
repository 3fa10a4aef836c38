// The DANDI archive's S3 bucket, as the emulator's second origin: presigned blob URLs that expire, Range,
// an ETag that is the object's multipart ETag, and the bucket's CORS rule, which exposes ETag only (so a
// browser page cannot read Content-Range or Content-Length of a cross-origin answer).
import { createHash } from 'node:crypto'
import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { createServer } from 'node:http'
import { listObjectsV2 } from './dandi-zarr-storage.mjs'

const MiB = 2 ** 20

/**
 * The multipart ETag DANDI records as `dandi:dandi-etag` (dandischema's rule, written here from the published
 * facts, independently of the client): 64 MiB parts, or ceil(size / 10000) when 64 MiB would need 10,000 parts
 * or more; md5 of the concatenated binary part MD5s, '-', the part count.
 */
export async function dandiEtagOfFile(file, size) {
  let partSize = 64 * MiB
  if (Math.ceil(size / partSize) >= 10_000) partSize = Math.ceil(size / 10_000)
  const digests = []
  let part = createHash('md5')
  let inPart = 0
  await new Promise((resolve, reject) => {
    createReadStream(file, { highWaterMark: 4 * MiB })
      .on('data', (chunk) => {
        for (let at = 0; at < chunk.length; ) {
          const take = Math.min(partSize - inPart, chunk.length - at)
          part.update(chunk.subarray(at, at + take))
          inPart += take
          at += take
          if (inPart === partSize) {
            digests.push(part.digest())
            part = createHash('md5')
            inPart = 0
          }
        }
      })
      .on('end', resolve)
      .on('error', reject)
  })
  if (inPart > 0) digests.push(part.digest())
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`
}

/** `X-Amz-Date` as S3 writes it: 20240102T030405Z. */
export function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
}

function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '')
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN
}

/**
 * Starts the storage server. hooks: { blob(id) -> record, now() -> ms, takeFault('blob' | 'zarr' | 'zarr-list', key?),
 *   record(req, kind, status, bytes), zarrObjects: Map of key ('zarr/<id>/...', sorted) -> { file, size, etag },
 *   listPageSize? (ListObjectsV2 max-keys, default 1000), latencyMs? (added before every response),
 *   bytesPerSecond? (paces every body) }.
 */
export async function startStorage(hooks) {
  let open = 0
  const server = createServer((req, res) => {
    // Requests open on this server when this one arrived (the log's `open`: a client's concurrency here).
    req.openOnArrival = ++open
    res.on('close', () => open--)
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Expose-Headers', 'ETag')
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*', 'Access-Control-Max-Age': '3000' }).end()
      return
    }
    handle(req, res).catch((error) => (process.env.DANDI_EMULATOR_DEBUG && console.error(error), res.destroy()))
  })
  server.keepAliveTimeout = 2000

  function xml(req, res, status, code, message, kind = 'blob') {
    hooks.record(req, kind, status)
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(text)) })
    res.end(text)
  }

  async function handle(req, res) {
    if (hooks.latencyMs) await new Promise((r) => setTimeout(r, hooks.latencyMs))
    const url = new URL(req.url, 'http://x')
    if (url.pathname === '/' || url.pathname.startsWith('/zarr/')) return handleZarr(req, res, url)
    const m = /^\/blobs\/([^/]+)$/.exec(url.pathname)
    const rec = m ? hooks.blob(m[1]) : null
    if (!rec) return xml(req, res, 404, 'NoSuchKey', 'The specified key does not exist.')
    const issued = parseAmzDate(url.searchParams.get('X-Amz-Date'))
    const expires = Number(url.searchParams.get('X-Amz-Expires'))
    if (!url.searchParams.get('X-Amz-Signature') || !Number.isFinite(issued) || !Number.isFinite(expires)) return xml(req, res, 403, 'AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters')
    const fault = hooks.takeFault('blob')
    if (hooks.now() > issued + expires * 1000) return xml(req, res, 403, 'AccessDenied', 'Request has expired')
    if (fault && fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000))
    if (fault && /^\d+$/.test(fault.kind)) return xml(req, res, Number(fault.kind), 'SlowDown', `emulated ${fault.kind}`)
    serveBlob(req, res, rec, fault)
  }

  // The public bucket: Zarr objects and listings need no signature.
  async function handleZarr(req, res, url) {
    const listing = url.pathname === '/'
    const kind = listing ? 'zarr-list' : 'zarr'
    if (listing && url.searchParams.get('list-type') !== '2') return xml(req, res, 403, 'AccessDenied', 'Access Denied', kind)
    const key = listing ? (url.searchParams.get('prefix') ?? '') : decodeURIComponent(url.pathname.slice(1))
    const fault = hooks.takeFault(kind, key)
    if (fault && fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000))
    if (fault && /^\d+$/.test(fault.kind)) return xml(req, res, Number(fault.kind), fault.kind === '503' ? 'SlowDown' : 'InternalError', `emulated ${fault.kind}`, kind)
    if (listing) {
      const { status, body } = listObjectsV2('dandiarchive', hooks.zarrObjects, url.searchParams, hooks.listPageSize ?? 1000, '2024-01-02T03:04:05.000Z')
      hooks.record(req, kind, status, Buffer.byteLength(body))
      res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) })
      return res.end(body)
    }
    const rec = hooks.zarrObjects.get(key)
    if (!rec) return xml(req, res, 404, 'NoSuchKey', 'The specified key does not exist.', kind)
    serveBlob(req, res, rec, fault, kind)
  }

  function serveBlob(req, res, rec, fault, kind = 'blob') {
    const size = rec.size
    const ignoreRange = fault?.kind === 'ignore-range' || rec.ignoreRange
    let start = 0
    let end = size - 1
    let status = 200
    const range = req.headers.range
    if (range && !ignoreRange) {
      const r = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
      if (r && r[1] === '' && r[2] !== '') start = Math.max(0, size - Number(r[2]))
      else if (r && r[1] !== '') {
        start = Number(r[1])
        end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)
      }
      if (!r || (r[1] === '' && r[2] === '') || start >= size || start > end) {
        hooks.record(req, kind, 416)
        res.writeHead(416, { 'Content-Range': `bytes */${size}` })
        return res.end()
      }
      status = 206
    }
    const length = end - start + 1
    const headers = { 'Content-Type': rec.contentType ?? 'application/x-hdf5', 'Content-Length': String(length), ETag: `"${rec.etag}"` }
    if (!ignoreRange) headers['Accept-Ranges'] = 'bytes'
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    res.writeHead(status, headers)
    if (req.method === 'HEAD') {
      hooks.record(req, kind, status)
      return res.end()
    }
    if (fault && (fault.kind === 'drop' || fault.kind === 'short')) {
      const cut = Math.max(1, Math.min(length - 1, fault.afterBytes ?? Math.floor(length / 2)))
      const buf = Buffer.alloc(cut)
      const fd = openSync(rec.file, 'r')
      try {
        readSync(fd, buf, 0, cut, start)
      } finally {
        closeSync(fd)
      }
      hooks.record(req, kind, status, cut)
      res.write(buf, () => (fault.kind === 'drop' ? res.socket?.destroy() : res.socket?.end()))
      return
    }
    let sent = 0
    const pace = hooks.bytesPerSecond
    const began = Date.now()
    const stream = createReadStream(rec.file, { start, end, highWaterMark: pace ? 64 * 1024 : MiB })
    stream.on('data', (chunk) => {
      sent += chunk.length
      if (!pace) return
      res.write(chunk)
      // Hold the stream until the bytes sent so far would have taken this long at the paced rate.
      stream.pause()
      setTimeout(() => stream.resume(), Math.max(0, began + (sent / pace) * 1000 - Date.now()))
    })
    stream.on('end', () => hooks.record(req, kind, status, sent))
    stream.on('error', () => res.destroy())
    res.on('close', () => stream.destroy())
    if (pace) stream.on('end', () => res.end())
    else stream.pipe(res)
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections?.())) }
}

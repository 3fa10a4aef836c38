import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small S3-compatible server for tests, on 127.0.0.1: path-style GET Object (with Range) and
 * ListObjectsV2 (prefix, delimiter, max-keys, continuation tokens), with AWS Signature Version 4
 * verified from the request as received (its own reading of the spec, independent of the client's
 * signer). 403 for a missing / unknown / wrong signature, 404 NoSuchKey / NoSuchBucket, 200 / 206.
 */
export interface FakeS3Key {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** When set, requests must carry (and sign) this x-amz-security-token. */
  readonly sessionToken?: string
}

export interface FakeS3 {
  readonly endpoint: string
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; outcome: number }[]
  close(): Promise<void>
}

export async function startFakeS3(options: {
  objects: Record<string, Uint8Array>
  keys: FakeS3Key[]
  region?: string
  /** Most keys per ListObjectsV2 page (default 1000). */
  pageSize?: number
  /** Answer CORS (preflight included) for pages of any origin, as a bucket with a CORS rule does. */
  cors?: boolean
  /** A public bucket: unsigned requests are served too (signed ones are still verified). */
  anonymous?: boolean
}): Promise<FakeS3> {
  const region = options.region ?? 'us-east-1'
  const requests: FakeS3['requests'] = []
  const server = createServer((req, res) => {
    if (options.cors) {
      res.setHeader('access-control-allow-origin', '*')
      res.setHeader('access-control-expose-headers', 'content-range, content-length')
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? ''), 'access-control-allow-methods': 'GET' }).end()
        requests.push({ method: 'OPTIONS', path: req.url ?? '', headers: req.headers, outcome: 204 })
        return
      }
    }
    const outcome = handle(req, res)
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, outcome })
  })

  function error(res: ServerResponse, status: number, code: string, message: string): number {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return status
  }

  function handle(req: IncomingMessage, res: ServerResponse): number {
    if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', 'only GET')
    const auth = req.headers.authorization
    if (!auth && options.anonymous) return serve(req, res)
    if (!auth) return error(res, 403, 'AccessDenied', 'Anonymous access is not allowed.')
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth)
    if (!m) return error(res, 403, 'AccessDenied', 'Malformed Authorization header.')
    const [, akid, day, scopeRegion, signedHeaderList, signature] = m
    const key = options.keys.find((k) => k.accessKeyId === akid)
    if (!key) return error(res, 403, 'InvalidAccessKeyId', 'The AWS access key Id you provided does not exist in our records.')
    const signed = signedHeaderList.split(';')
    for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) if (!signed.includes(required)) return error(res, 403, 'AccessDenied', `${required} must be signed.`)
    if (key.sessionToken && (req.headers['x-amz-security-token'] !== key.sessionToken || !signed.includes('x-amz-security-token'))) return error(res, 403, 'InvalidToken', 'The security token is missing or wrong.')
    const amzDate = String(req.headers['x-amz-date'] ?? '')
    if (amzDate.slice(0, 8) !== day || scopeRegion !== region) return error(res, 403, 'SignatureDoesNotMatch', 'Scope does not match.')

    const url = new URL(req.url ?? '/', 'http://placeholder')
    const query = [...url.searchParams].map(([k, v]) => `${enc(k)}=${enc(v)}`).sort().join('&')
    const headerLines = signed.map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}`)
    const payload = String(req.headers['x-amz-content-sha256'] ?? '')
    const canonical = [req.method, url.pathname, query, ...headerLines, '', signed.join(';'), payload].join('\n')
    const toSign = ['AWS4-HMAC-SHA256', amzDate, `${day}/${region}/s3/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n')
    let k: Buffer = createHmac('sha256', `AWS4${key.secretAccessKey}`).update(day).digest()
    for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
    const expected = createHmac('sha256', k).update(toSign).digest()
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
    return serve(req, res)
  }

  function serve(req: IncomingMessage, res: ServerResponse): number {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const [, bucket, ...rest] = url.pathname.split('/')
    if (url.searchParams.get('list-type') === '2') return list(res, decodeURIComponent(bucket), url.searchParams)
    const objectKey = rest.map(decodeURIComponent).join('/')
    const body = options.objects[`${decodeURIComponent(bucket)}/${objectKey}`]
    if (!body) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.')
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''))
    if (range) {
      const start = Number(range[1])
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
        return 416
      }
      const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1)
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 })
      res.end(Buffer.from(body.subarray(start, end + 1)))
      return 206
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    res.end(Buffer.from(body))
    return 200
  }

  function list(res: ServerResponse, bucket: string, params: URLSearchParams): number {
    const keys = Object.keys(options.objects).filter((k) => k.startsWith(`${bucket}/`)).map((k) => k.slice(bucket.length + 1)).sort()
    if (!keys.length) return error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.')
    const prefix = params.get('prefix') ?? ''
    const delimiter = params.get('delimiter') ?? ''
    const pageSize = Math.min(Number(params.get('max-keys') ?? 1000), options.pageSize ?? 1000)
    const after = params.get('continuation-token') ?? ''
    // Entries in key order: objects, and with a delimiter the common prefixes ("folders") once each.
    const entries: { key: string; folder: boolean }[] = []
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1
      if (cut >= 0) {
        const folder = key.slice(0, cut + delimiter.length)
        if (entries[entries.length - 1]?.key !== folder) entries.push({ key: folder, folder: true })
      } else entries.push({ key, folder: false })
    }
    const rest = entries.filter((e) => e.key > after)
    const page = rest.slice(0, pageSize)
    const truncated = rest.length > page.length
    const x = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${x(bucket)}</Name><Prefix>${x(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>`,
      delimiter ? `<Delimiter>${x(delimiter)}</Delimiter>` : '',
      `<IsTruncated>${truncated}</IsTruncated>`,
      truncated ? `<NextContinuationToken>${x(page[page.length - 1].key)}</NextContinuationToken>` : '',
      ...page.map((e) => (e.folder ? `<CommonPrefixes><Prefix>${x(e.key)}</Prefix></CommonPrefixes>` : `<Contents><Key>${x(e.key)}</Key><LastModified>2026-11-24T12:00:00.000Z</LastModified><ETag>&quot;0&quot;</ETag><Size>${options.objects[`${bucket}/${e.key}`].length}</Size><StorageClass>STANDARD</StorageClass></Contents>`)),
      '</ListBucketResult>',
    ].join('')
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return 200
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

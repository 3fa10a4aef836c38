import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSource, fetchWithRetry, redact, retryDelay } from '../src/index.js'

const body = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff)
let server: Server
let base = ''
const seen: { url: string; range?: string; auth?: string }[] = []
let flaky = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', range: req.headers.range, auth: req.headers.authorization })
    if (req.url === '/flaky' && flaky-- > 0) {
      res.writeHead(429, { 'retry-after': '0' })
      return res.end()
    }
    if (req.url?.startsWith('/expired')) {
      res.writeHead(403)
      return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')
    }
    if (req.url === '/down') {
      res.writeHead(503)
      return res.end('maintenance')
    }
    if (req.url === '/missing') {
      res.writeHead(404)
      return res.end('no such file')
    }
    if (req.url === '/empty') {
      res.writeHead(416, { 'content-range': 'bytes */0' })
      return res.end()
    }
    if (req.url === '/norange') {
      res.writeHead(200, { 'content-length': body.length })
      return res.end(body)
    }
    if (req.url === '/norange-unsized') {
      res.writeHead(200)
      res.write(body.subarray(0, 100_000))
      return res.end(body.subarray(100_000))
    }
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')
    if (!m) {
      res.writeHead(200)
      return res.end(body)
    }
    const start = Number(m[1])
    const end = Math.min(Number(m[2]), body.length - 1)
    const chunk = body.subarray(start, end + 1)
    if (req.url === '/hidden' || req.url === '/hidden-short') {
      // What a page sees of a cross-origin 206 whose CORS exposes ETag only (the DANDI bucket's rule).
      res.writeHead(206, { etag: '"abc"' })
      return res.end(req.url === '/hidden' ? chunk : chunk.subarray(0, 10))
    }
    if (req.url === '/short') {
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` })
      return res.end(chunk.subarray(0, 10))
    }
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': chunk.length })
    res.end(chunk)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('HttpSource', () => {
  it('reads ranges, coalescing adjacent blocks into one request and caching them', async () => {
    seen.length = 0
    const src = new HttpSource(`${base}/file.nwb`, { blockSize: 4096 })
    const a = await src.read(1000, 20_000)
    expect(Array.from(a.subarray(0, 4))).toEqual(Array.from(body.subarray(1000, 1004)))
    expect(a.length).toBe(20_000)
    expect(src.stats.requests).toBe(2) // size probe + one coalesced range
    const again = await src.read(5000, 100)
    expect(Array.from(again)).toEqual(Array.from(body.subarray(5000, 5100)))
    expect(src.stats.requests).toBe(2)
    expect(await src.size()).toBe(body.length)
    const tail = await src.read(body.length - 10, 100)
    expect(tail.length).toBe(10)
    expect(src.name).toBe('file.nwb')
  })

  it('shares in-flight requests between concurrent reads', async () => {
    const src = new HttpSource(`${base}/file.nwb`, { blockSize: 65536 })
    await src.size()
    const before = src.stats.requests
    await Promise.all([src.read(70_000, 10), src.read(70_100, 10), src.read(70_200, 10)])
    expect(src.stats.requests - before).toBe(1)
  })

  it('asks for the size once when size() is called concurrently', async () => {
    const src = new HttpSource(`${base}/file.nwb`)
    const sizes = await Promise.all([src.size(), src.size(), src.size()])
    expect(sizes).toEqual([body.length, body.length, body.length])
    expect(src.stats.requests).toBe(1)
  })

  it('reads an empty file (the server answers 416) as zero bytes', async () => {
    const src = new HttpSource(`${base}/empty`, { retries: 0 })
    expect(await src.size()).toBe(0)
    expect((await src.read(0, 10)).length).toBe(0)
  })

  it('reads more than its cache holds, fetching evicted blocks again', async () => {
    const src = new HttpSource(`${base}/file.nwb`, { blockSize: 4096, cacheBytes: 8192 })
    const all = await src.read(0, body.length)
    expect(all.length).toBe(body.length)
    expect(Array.from(all.subarray(250_000, 250_016))).toEqual(Array.from(body.subarray(250_000, 250_016)))
    expect(() => new HttpSource(`${base}/file.nwb`, { blockSize: 4096, cacheBytes: 100 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'cacheBytes' }))
  })

  it('reads a server that ignores Range once, whole, and serves every read from memory', async () => {
    seen.length = 0
    const src = new HttpSource(`${base}/norange`, { blockSize: 4096 })
    const [a, b] = await Promise.all([src.read(0, 10), src.read(250_000, 100)])
    expect(Array.from(a)).toEqual(Array.from(body.subarray(0, 10)))
    expect(Array.from(b)).toEqual(Array.from(body.subarray(250_000, 250_100)))
    expect(await src.size()).toBe(body.length)
    expect(Array.from(await src.read(299_990, 100))).toEqual(Array.from(body.subarray(299_990)))
    expect(seen.length).toBe(1)
    expect(src.stats).toEqual({ requests: 1, bytes: body.length, wholeFiles: 1 })
  })

  it('refuses a whole file larger than maxWholeFileBytes, and checks the option', async () => {
    await expect(new HttpSource(`${base}/norange`, { maxWholeFileBytes: 1000 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', rangeUnsupported: true, status: 200, maxWholeFileBytes: 1000 })
    // Without Content-Length, the limit stops the body as it arrives.
    await expect(new HttpSource(`${base}/norange-unsized`, { maxWholeFileBytes: 1000 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', rangeUnsupported: true })
    expect(Array.from(await new HttpSource(`${base}/norange-unsized`).read(5, 3))).toEqual(Array.from(body.subarray(5, 8)))
    expect(() => new HttpSource(`${base}/norange`, { maxWholeFileBytes: -1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'maxWholeFileBytes' }))
  })

  it('with a size known from a listing: no size request, no Content-Range needed, each body length checked', async () => {
    await expect(new HttpSource(`${base}/hidden`, { retries: 0 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', reason: 'content-range-hidden' })
    const src = new HttpSource(`${base}/hidden`, { size: body.length, blockSize: 4096 })
    expect(await src.size()).toBe(body.length)
    expect(src.stats.requests).toBe(0)
    const tail = await src.read(body.length - 5000, 10_000)
    expect(Array.from(tail)).toEqual(Array.from(body.subarray(body.length - 5000)))
    expect(src.stats.requests).toBe(1)
    await expect(new HttpSource(`${base}/hidden-short`, { size: body.length, retries: 0 }).read(0, 5000)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', received: 10 })
    // A visible Content-Range that disagrees: the object changed since it was listed.
    await expect(new HttpSource(`${base}/file.nwb`, { size: 1234, retries: 0 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', expected: 1234, actual: body.length })
    expect(() => new HttpSource(`${base}/x`, { size: -1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'size' }))
  })

  it('with refreshUrl: reads that find the URL expired (403) renew it once and are made again', async () => {
    let refreshed = 0
    const src = new HttpSource(`${base}/expired?sig=old`, {
      size: body.length,
      blockSize: 65536,
      refreshUrl: async () => {
        refreshed++
        return `${base}/fresh.nwb?sig=new`
      },
    })
    const reads = await Promise.all([src.read(0, 10), src.read(100_000, 10), src.read(200_000, 10)])
    expect(reads).toEqual([body.subarray(0, 10), body.subarray(100_000, 100_010), body.subarray(200_000, 200_010)])
    expect(refreshed).toBe(1)
    // Three expired requests and three made again at the fresh URL.
    expect(src.stats.requests).toBe(6)
    expect(Array.from(await src.read(250_000, 4))).toEqual(Array.from(body.subarray(250_000, 250_004)))
    expect(refreshed).toBe(1)
  })

  it('without refreshUrl, an expired URL is a NetworkError with the status', async () => {
    const src = new HttpSource(`${base}/expired?sig=old`, { size: body.length, retries: 0 })
    await expect(src.read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 403 })
  })

  it('reports a body shorter than promised', async () => {
    await expect(new HttpSource(`${base}/short`, { retries: 0 }).read(0, 5000)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', received: 10 })
  })
})

describe('fetchWithRetry', () => {
  it('retries 429 honouring Retry-After, then succeeds', async () => {
    flaky = 2
    const res = await fetchWithRetry(`${base}/flaky`, { headers: { Range: 'bytes=0-9' } }, { backoffMs: 1 })
    expect(res.status).toBe(206)
  })

  it('gives up on persistent 5xx with the status, and does not retry 404', async () => {
    // The message says it was retried and what to do: an outage is not the user's mistake.
    await expect(fetchWithRetry(`${base}/down`, {}, { retries: 1, backoffMs: 1 })).rejects.toMatchObject({
      code: 'SPIKES_NETWORK',
      status: 503,
      attempts: 2,
      message: `GET ${base}/down failed with HTTP 503 Service Unavailable: maintenance (2 attempts). The server is unavailable or overloaded: try again later.`,
    })
    seen.length = 0
    await expect(fetchWithRetry(`${base}/missing`, {}, { retries: 3, backoffMs: 1 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 404 })
    expect(seen.length).toBe(1)
  })

  it('times out and reports it', async () => {
    const hang = createServer(() => {})
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(hang.address() as { port: number }).port}/`
    await expect(fetchWithRetry(url, {}, { retries: 0, timeoutMs: 100 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', timeoutMs: 100 })
    await expect(fetchWithRetry(url, {}, { retries: 1, timeoutMs: 100, backoffMs: 1 })).rejects.toMatchObject({
      code: 'SPIKES_NETWORK',
      timeoutMs: 100,
      attempts: 2,
      message: `Request to ${url} timed out after 100 ms (2 attempts): the server did not answer in time. Try again later, or allow a longer timeout.`,
    })
    hang.closeAllConnections()
    await new Promise<void>((r) => hang.close(() => r()))
  })

  it('aborts on the caller signal', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(fetchWithRetry(`${base}/file`, {}, { signal: controller.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('never shows credentials', () => {
    expect(redact('https://user:pw@host/x?token=abc&a=1')).toBe('https://host/x?token=REDACTED&a=1')
    // Azure SAS (sig), CloudFront (Signature, Policy, Key-Pair-Id), S3 and GCS presigned URLs, passwords in queries.
    expect(redact('https://acct.blob.core.windows.net/c/f.nwb?sv=2022-11-02&sp=r&sig=AbC%2Fdef&se=2030-01-01')).toBe('https://acct.blob.core.windows.net/c/f.nwb?sv=2022-11-02&sp=r&sig=REDACTED&se=2030-01-01')
    expect(redact('https://d1.cloudfront.net/f?Policy=eyJ&Signature=s1&Key-Pair-Id=K2')).toBe('https://d1.cloudfront.net/f?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED')
    expect(redact('https://h/f?X-Amz-Credential=AKIA%2F1&X-Amz-Security-Token=t&X-Goog-Signature=g&X-Amz-Date=20261207T000000Z')).toBe(
      'https://h/f?X-Amz-Credential=REDACTED&X-Amz-Security-Token=REDACTED&X-Goog-Signature=REDACTED&X-Amz-Date=20261207T000000Z',
    )
    expect(redact('https://h/f?user=ann&password=hunter2&pwd=x&passwd=y&auth=z')).toBe('https://h/f?user=ann&password=REDACTED&pwd=REDACTED&passwd=REDACTED&auth=REDACTED')
    expect(retryDelay('2', 5)).toBe(2000)
    expect(retryDelay(null, 5)).toBe(5)
  })
})

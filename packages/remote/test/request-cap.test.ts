// setMaxRequestsPerHost: the process-wide cap on requests open at once to one host (scan's --max-requests).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSource, setMaxRequestsPerHost } from '../src/index.js'

const body = Uint8Array.from({ length: 64_000 }, (_, i) => (i * 7 + 3) & 0xff)
let server: Server
let base = ''
let open = 0
let peak = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    open++
    peak = Math.max(peak, open)
    res.on('close', () => open--)
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? []
    const start = Number(from)
    const end = Math.min(Number(to), body.length - 1)
    // Held a little, so that requests sent together overlap on the server.
    setTimeout(() => res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': end - start + 1 }).end(body.subarray(start, end + 1)), 20)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function peakOf(reads: number): Promise<number> {
  peak = 0
  const src = new HttpSource(`${base}/f-${reads}-${Math.random()}`, { size: body.length, blockSize: 1000 })
  const got = await Promise.all(Array.from({ length: reads }, (_, i) => src.read(i * 4000, 10)))
  expect(got.map((g) => g[0])).toEqual(Array.from({ length: reads }, (_, i) => body[i * 4000]))
  expect(src.stats.requests).toBe(reads)
  return peak
}

describe('setMaxRequestsPerHost', () => {
  it('holds the requests open at once to a host at the cap; the rest wait and all complete', async () => {
    expect(await peakOf(12)).toBeGreaterThan(3) // no cap: the reads go out together
    setMaxRequestsPerHost(3)
    expect(await peakOf(12)).toBe(3)
    setMaxRequestsPerHost(1)
    expect(await peakOf(6)).toBe(1)
    setMaxRequestsPerHost(Infinity)
    expect(await peakOf(12)).toBeGreaterThan(3)
  })

  it('refuses a cap that is not a positive whole number', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => setMaxRequestsPerHost(bad)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'limit' }))
  })
})

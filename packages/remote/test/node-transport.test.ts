// What only the node:http transport does: its choice under Node, kept-alive connections, stale ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSource, httpRequest, httpTransport } from '../src/index.js'
import { nodeTransport } from '../src/http/node-transport.js'
import { body, startFaultServer, type FaultServer } from './fault-server.js'

let server: FaultServer
beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(() => server.close())

describe('node:http transport', () => {
  it('is what Node uses when no fetch is given; a given fetch is used instead', async () => {
    expect(httpTransport()).toBe(nodeTransport())
    let calls = 0
    const counting: typeof fetch = (input, init) => (calls++, fetch(input, init))
    expect(httpTransport({ fetch: counting })).not.toBe(nodeTransport())
    await httpRequest(`${server.base}/file.bin`, { headers: { Range: 'bytes=0-0' } }, { fetch: counting })
    expect(calls).toBe(1)
  })

  it('keeps connections alive: sequential reads share one', async () => {
    const before = server.connections()
    const src = new HttpSource(`${server.base}/file.bin?keep`, { size: body.length, blockSize: 1000 })
    for (let i = 0; i < 10; i++) expect((await src.read(i * 10_000, 10))[0]).toBe(body[i * 10_000])
    expect(src.stats.requests).toBe(10)
    expect(server.connections() - before).toBeLessThanOrEqual(1)
  })

  it('sends a request again on a new connection when the kept-alive one was closed, without using a retry', async () => {
    const fresh = await startFaultServer() // no idle connections of earlier tests
    const src = new HttpSource(`${fresh.base}/stale`, { size: body.length, blockSize: 1000, retries: 0 })
    expect((await src.read(0, 1))[0]).toBe(body[0])
    expect((await src.read(50_000, 1))[0]).toBe(body[50_000])
    // The second read's first try died on the reused connection; it went again on a new one.
    expect(fresh.seen.map((s) => [s.url, s.connection])).toEqual([['/stale', 0], ['/stale', 0], ['/stale', 1]])
    await fresh.close()
  })

  it('shares one abort listener among the requests of a signal: no leak warning with many in flight', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    const controller = new AbortController()
    const src = new HttpSource(`${server.base}/file.bin?many`, { size: body.length, blockSize: 1000, signal: controller.signal })
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => src.read(i * 5000, 10)))
    await new Promise((r) => setImmediate(r))
    process.off('warning', onWarning)
    expect(reads.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, i) => body[i * 5000]))
    expect(warnings).toEqual([])
    const stalled = new HttpSource(`${server.base}/stall`, { size: body.length, signal: controller.signal, blockSize: 1000 })
    const pending = Promise.all([stalled.read(0, 10), stalled.read(50_000, 10)])
    setTimeout(() => controller.abort(), 30)
    await expect(pending).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('refuses redirects to other schemes and bodies over the limit', async () => {
    await expect(httpRequest(`${server.base}/to-ftp`, {}, { retries: 0 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', message: expect.stringContaining('ftp:') })
    await expect(httpRequest(`${server.base}/whole`, { limit: () => 1000 }, { retries: 0 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', limit: 1000 })
  })

  it('splits a long run of missing blocks into requests of about equal size, made at once', async () => {
    const before = server.seen.length
    const src = new HttpSource(`${server.base}/file.bin?split`, { size: body.length, blockSize: 1000, maxRequestBytes: 50_000 })
    const all = await src.read(500, 150_000)
    expect(bytes(all)).toEqual(bytes(body.subarray(500, 150_500)))
    // Blocks 0..150 (151 blocks of 1000 bytes) in ceil(151 / 50) = 4 requests of 38 or 37 blocks.
    expect(server.seen.slice(before).map((s) => s.range)).toEqual(['bytes=0-37999', 'bytes=38000-75999', 'bytes=76000-113999', 'bytes=114000-150999'])
    expect(src.stats).toEqual({ requests: 4, bytes: 151_000 })
    // The four bodies were written side by side into one buffer: a read across them is a view, not a copy.
    expect(all.buffer).toBe((await src.read(30_000, 60_000)).buffer)
    expect(() => new HttpSource(`${server.base}/x`, { maxRequestBytes: 0 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'maxRequestBytes' }))
  })

  it('reads within one request are views of its body; reads across requests are copies', async () => {
    const src = new HttpSource(`${server.base}/file.bin?views`, { size: body.length, blockSize: 1000 })
    const inside = await src.read(100, 5000)
    const again = await src.read(200, 100)
    expect(again.buffer).toBe(inside.buffer)
    expect(bytes(again)).toEqual(bytes(body.subarray(200, 300)))
    await src.read(20_000, 10)
    const across = await src.read(5900, 14_200) // blocks 5..20: two requests' bodies
    expect(bytes(across)).toEqual(bytes(body.subarray(5900, 20_100)))
  })
})

const bytes = (a: Uint8Array) => Array.from(a)

// HttpSource and httpRequest against a server with faults, through both transports: node:http(s) (what Node
// uses when no fetch is given) and fetch (browsers, or a fetch passed in). Both must behave alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSource, httpRequest, httpTransport, type HttpOptions } from '../src/index.js'
import { body, startFaultServer, type FaultServer } from './fault-server.js'

let server: FaultServer
let other: FaultServer

beforeAll(async () => {
  server = await startFaultServer()
  other = await startFaultServer()
  server.awayTo = other.base
})
afterAll(async () => {
  await server.close()
  await other.close()
})

const bytes = (a: Uint8Array) => Array.from(a)
const transports: [string, HttpOptions][] = [
  ['node:http', {}],
  ['fetch', { fetch: globalThis.fetch }],
]

describe.each(transports)('through %s', (_, via) => {
  it('follows a redirect chain (302, 307) with Range and Authorization kept on the same origin', async () => {
    server.seen.length = 0
    const src = new HttpSource(`${server.base}/hop1`, { ...via, headers: { Authorization: 'token abc' }, blockSize: 4096, size: body.length })
    expect(bytes(await src.read(5000, 100))).toEqual(bytes(body.subarray(5000, 5100)))
    expect(server.seen.map((s) => [s.url, s.range, s.auth])).toEqual([
      ['/hop1', 'bytes=4096-8191', 'token abc'],
      ['/hop2', 'bytes=4096-8191', 'token abc'],
      ['/file.bin', 'bytes=4096-8191', 'token abc'],
    ])
    expect(src.stats).toEqual({ requests: 1, bytes: 4096 })
  })

  it('does not carry Authorization to another origin a redirect leads to', async () => {
    other.seen.length = 0
    const answer = await httpRequest(`${server.base}/away`, { headers: { Range: 'bytes=0-9' } }, { ...via, headers: { Authorization: 'token abc' } })
    expect(answer.status).toBe(206)
    expect(answer.url).toBe(`${other.base}/file.bin`)
    expect(other.seen).toEqual([expect.objectContaining({ url: '/file.bin', range: 'bytes=0-9', auth: undefined })])
  })

  it('refuses a redirect loop with a NetworkError', async () => {
    await expect(httpRequest(`${server.base}/loop`, {}, { ...via, retries: 0 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
  })

  it('renews an expired URL (403) through refreshUrl and reads on', async () => {
    server.faults.set('/expired-once', 1)
    let renewed = 0
    const src = new HttpSource(`${server.base}/expired-once?X-Amz-Signature=old`, { ...via, size: body.length, refreshUrl: async () => (renewed++, `${server.base}/file.bin?X-Amz-Signature=new`) })
    expect(bytes(await src.read(70_000, 8))).toEqual(bytes(body.subarray(70_000, 70_008)))
    expect(renewed).toBe(1)
    expect(src.stats.requests).toBe(2)
  })

  it('retries a body cut off mid-way, and reports it as SPIKES_NETWORK when it keeps happening', async () => {
    server.faults.set('/cut-once', 1)
    const src = new HttpSource(`${server.base}/cut-once`, { ...via, size: body.length, backoffMs: 1 })
    expect(bytes(await src.read(0, 50_000))).toEqual(bytes(body.subarray(0, 50_000)))
    await expect(new HttpSource(`${server.base}/cut`, { ...via, size: body.length, retries: 1, backoffMs: 1 }).read(0, 50_000)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', attempts: 2 })
  })

  it('retries a connection reset before the answer, then gives up with SPIKES_NETWORK', async () => {
    server.faults.set('/reset-once', 1)
    expect(bytes(await new HttpSource(`${server.base}/reset-once`, { ...via, size: body.length, backoffMs: 1 }).read(10, 5))).toEqual(bytes(body.subarray(10, 15)))
    await expect(new HttpSource(`${server.base}/reset`, { ...via, retries: 2, backoffMs: 1 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', attempts: 3 })
  })

  it('tells a server that ignores Range (200) apart: refused past maxWholeFileBytes with rangeUnsupported, else kept whole', async () => {
    await expect(new HttpSource(`${server.base}/whole`, { ...via, maxWholeFileBytes: 0 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', rangeUnsupported: true, status: 200, maxWholeFileBytes: 0 })
    const started = performance.now()
    await expect(new HttpSource(`${server.base}/huge-whole`, { ...via, maxWholeFileBytes: 1_000_000 }).read(0, 10)).rejects.toMatchObject({ rangeUnsupported: true })
    expect(performance.now() - started).toBeLessThan(5000) // refused on its Content-Length, not after a gigabyte
    const whole = new HttpSource(`${server.base}/whole`, via)
    expect(bytes(await whole.read(199_990, 100))).toEqual(bytes(body.subarray(199_990)))
    expect(whole.stats).toEqual({ requests: 1, bytes: body.length, wholeFiles: 1 })
  })

  it('checks Content-Range: another start than asked, and a body longer than asked, are errors', async () => {
    await expect(new HttpSource(`${server.base}/wrong-start`, { ...via, retries: 0 }).read(100, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', contentRange: `bytes 1-65536/${body.length}` })
    await expect(new HttpSource(`${server.base}/too-long`, { ...via, retries: 0, blockSize: 4096 }).read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', expected: 4096 })
  })

  it('times out a stalled body, and aborts on the signal with SPIKES_ABORTED', async () => {
    await expect(new HttpSource(`${server.base}/stall`, { ...via, size: body.length, retries: 0, timeoutMs: 150 }).read(0, 1000)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', timeoutMs: 150 })
    const controller = new AbortController()
    const reading = new HttpSource(`${server.base}/stall`, { ...via, size: body.length, signal: controller.signal }).read(0, 1000)
    setTimeout(() => controller.abort(), 50)
    await expect(reading).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('gives HTTP errors their status and the first words of the body; retries 503 honouring Retry-After', async () => {
    server.seen.length = 0
    await expect(httpRequest(`${server.base}/gone`, {}, { ...via, retries: 3 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 404, message: expect.stringContaining('no such key: gone') })
    expect(server.seen.length).toBe(1)
    server.faults.set('/busy', 1)
    expect((await httpRequest(`${server.base}/busy`, {}, { ...via, backoffMs: 1 })).body.length).toBe(body.length)
  })

  it('decodes a gzip body and returns a manual redirect as it is', async () => {
    const json = await httpRequest(`${server.base}/json.gz`, {}, via)
    expect(JSON.parse(new TextDecoder().decode(json.body))).toEqual({ results: [1, 2, 3] })
    const hop = await httpRequest(`${server.base}/hop1`, { redirect: 'manual' }, via)
    expect([hop.status, hop.header('location')]).toEqual([302, '/hop2'])
    // headersOnly: a gigabyte answer is not read (it would take minutes to trickle in); its status is the answer.
    const transport = httpTransport(via)
    const huge = await transport(`${server.base}/huge-whole`, { headersOnly: true, timeoutMs: 5000 })
    expect([huge.status, huge.header('content-length'), huge.body.length]).toEqual([200, String(2 ** 30), 0])
  })
})

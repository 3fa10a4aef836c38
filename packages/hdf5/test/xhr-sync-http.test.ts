// XhrSyncHttp's handling of what a server answers, with a scripted stand-in for the browser's synchronous
// XMLHttpRequest (Node has none). tools/browser-remote.test.ts runs it against a real server in Chromium.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { XhrSyncHttp } from '../src/remote/xhr-sync-http.js'

interface Answer {
  status?: number
  headers?: Record<string, string>
  body?: Uint8Array
  /** Final URL after a redirect the browser followed. */
  responseURL?: string
  /** send() throws this DOMException name instead ('NetworkError', 'TimeoutError'). */
  fail?: string
}

interface Sent {
  url: string
  headers: Record<string, string>
  timeout: number
}

let script: Answer[] = []
let sent: Sent[] = []

class ScriptedXhr {
  status = 0
  response: ArrayBuffer | null = null
  responseURL = ''
  responseType = ''
  timeout = 0
  private url = ''
  private readonly requestHeaders: Record<string, string> = {}
  private answerHeaders: Record<string, string> = {}

  open(method: string, url: string, async: boolean): void {
    expect([method, async]).toEqual(['GET', false])
    this.url = url
  }

  setRequestHeader(name: string, value: string): void {
    this.requestHeaders[name] = value
  }

  getResponseHeader(name: string): string | null {
    return this.answerHeaders[name.toLowerCase()] ?? null
  }

  send(): void {
    expect(this.responseType).toBe('arraybuffer')
    sent.push({ url: this.url, headers: { ...this.requestHeaders }, timeout: this.timeout })
    const answer = script.shift()
    if (!answer) throw new Error(`unexpected request ${this.url}`)
    if (answer.fail) throw Object.assign(new Error(answer.fail), { name: answer.fail })
    this.status = answer.status ?? 206
    this.answerHeaders = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const body = answer.body ?? new Uint8Array(0)
    this.response = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
    this.responseURL = answer.responseURL ?? this.url
  }
}

const FILE = Uint8Array.from({ length: 1000 }, (_, i) => i % 251)
const part = (start: number, end: number, extra: Answer = {}): Answer => ({
  status: 206,
  headers: { 'Content-Range': `bytes ${start}-${end}/${FILE.length}` },
  body: FILE.subarray(start, end + 1),
  ...extra,
})

const URL_ = 'https://archive.example/api/assets/1/download/'
const STORE = 'https://store.example/blobs/1?X-Amz-Signature=secret'

beforeEach(() => {
  script = []
  sent = []
  ;(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = ScriptedXhr
})
afterEach(() => {
  delete (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest
  expect(script).toEqual([])
})

describe('XhrSyncHttp', () => {
  it('fetches each range with its headers and timeout, and reads the total from Content-Range', () => {
    const http = new XhrSyncHttp(URL_, { headers: { Authorization: 'token t' }, timeoutMs: 1234 })
    script = [part(0, 99), part(500, 599)]
    const batch = http.fetchRanges([
      [0, 99],
      [500, 599],
    ])
    expect(batch.parts.map((p) => [p.start, p.status, p.total, p.bytes.length, p.bytes[1]])).toEqual([
      [0, 206, 1000, 100, 1],
      [500, 206, 1000, 100, FILE[501]],
    ])
    expect(batch).toMatchObject({ requests: 2, retried: 0 })
    expect(sent.map((s) => [s.headers.Range, s.headers.Authorization, s.timeout])).toEqual([
      ['bytes=0-99', 'token t', 1234],
      ['bytes=500-599', 'token t', 1234],
    ])
  })

  it('after a redirect reads from the storage URL, without the archive credentials, and counts the hop', () => {
    const http = new XhrSyncHttp(URL_, { headers: { Authorization: 'token t' } })
    script = [part(0, 9, { responseURL: STORE }), part(10, 19)]
    expect(http.fetchRanges([[0, 9]]).requests).toBe(2)
    expect(http.resolvedUrl).toBe(STORE)
    http.fetchRanges([[10, 19]])
    expect(sent[1]).toMatchObject({ url: STORE, headers: { Range: 'bytes=10-19' } })
    expect(sent[1].headers.Authorization).toBeUndefined()
  })

  it('retries 503 (honouring Retry-After), network errors, timeouts and short bodies', () => {
    const http = new XhrSyncHttp(URL_, { backoffMs: 1, retries: 4 })
    script = [{ status: 503, headers: { 'Retry-After': '0' } }, { fail: 'NetworkError' }, { fail: 'TimeoutError' }, part(0, 99, { body: FILE.subarray(0, 50) }), part(0, 99)]
    const batch = http.fetchRanges([[0, 99]])
    expect(batch).toMatchObject({ requests: 5, retried: 4 })
    expect(batch.parts[0].bytes.length).toBe(100)
  })

  it('gives up after the retries with the last failure as SPIKES_NETWORK', () => {
    const http = new XhrSyncHttp(URL_, { backoffMs: 1, retries: 1 })
    script = [{ status: 500 }, { status: 500, body: new TextEncoder().encode('boom') }]
    expect(() => http.fetchRanges([[0, 9]])).toThrow(expect.objectContaining({ code: 'SPIKES_NETWORK', details: expect.objectContaining({ status: 500 }), message: expect.stringContaining('boom') }))
    script = [{ fail: 'TimeoutError' }, { fail: 'NetworkError' }]
    expect(() => http.fetchRanges([[0, 9]])).toThrow(expect.objectContaining({ code: 'SPIKES_NETWORK', message: expect.stringContaining('CORS') }))
  })

  it('a 200 means Range is unsupported; 416 past the end is an empty part with the size', () => {
    const http = new XhrSyncHttp(URL_)
    script = [{ status: 200, headers: { 'Content-Length': '1000' }, body: FILE }]
    expect(() => http.fetchRanges([[0, 9]])).toThrow(expect.objectContaining({ code: 'SPIKES_NETWORK', details: expect.objectContaining({ rangeUnsupported: true, total: 1000 }) }))
    script = [{ status: 416, headers: { 'Content-Range': 'bytes */1000' } }]
    expect(http.fetchRanges([[2000, 2009]]).parts[0]).toMatchObject({ status: 416, total: 1000, bytes: new Uint8Array(0) })
  })

  it('names the missing Access-Control-Expose-Headers when Content-Range is not visible', () => {
    const http = new XhrSyncHttp(URL_)
    script = [{ status: 206, body: FILE.subarray(0, 10) }]
    expect(() => http.fetchRanges([[0, 9]])).toThrow(expect.objectContaining({ code: 'SPIKES_NETWORK', message: expect.stringContaining('Access-Control-Expose-Headers') }))
  })

  it('goes back to the archive once when the signed storage URL has expired', () => {
    const http = new XhrSyncHttp(URL_, { backoffMs: 1 })
    script = [part(0, 9, { responseURL: STORE }), { status: 403 }, part(10, 19, { responseURL: STORE })]
    http.fetchRanges([[0, 9]])
    expect(http.fetchRanges([[10, 19]]).parts[0].bytes.length).toBe(10)
    expect(sent.map((s) => s.url)).toEqual([URL_, STORE, URL_])
  })

  it('checks the signal before each request and refuses to work after close()', () => {
    const http = new XhrSyncHttp(URL_)
    const controller = new AbortController()
    controller.abort()
    expect(() => http.fetchRanges([[0, 9]], controller.signal)).toThrow(expect.objectContaining({ code: 'SPIKES_ABORTED' }))
    http.close()
    expect(() => http.fetchRanges([[0, 9]])).toThrow(expect.objectContaining({ code: 'SPIKES_NETWORK', details: expect.objectContaining({ closed: true }) }))
    expect(sent).toEqual([])
  })
})

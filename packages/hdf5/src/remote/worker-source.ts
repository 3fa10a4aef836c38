/**
 * Source of the fetch worker (run with `new Worker(code, { eval: true })`, so it works the same from
 * TypeScript sources and from dist/). The main thread posts a batch of byte ranges, blocks in
 * Atomics.wait, and takes the answer with receiveMessageOnPort once the worker flips the flag.
 *
 * Message in:  { id, url, finalUrl, headers, ranges: [[start, endInclusive], ...], timeoutMs, retries,
 *               backoffMs, concurrency, size (known file size: a 206 without a readable Content-Range is
 *               then checked by its length) }
 * Message out (on the port): { id, ok: true, parts: [{ start, status, body: ArrayBuffer, total }], finalUrl,
 *               redirects, requests, retried } or { id, ok: false, error: { kind, message, status?, url, ... } }
 * kind: 'http' (status), 'timeout', 'network', 'range-unsupported', 'short-body', 'bad-content-range'.
 */
export const FETCH_WORKER_SOURCE = String.raw`
'use strict'
const { workerData } = require('node:worker_threads')
const flag = new Int32Array(workerData.flag)
const port = workerData.port
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504])

function redact(url) {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    for (const key of [...u.searchParams.keys()]) if (/token|key|secret|signature|credential|security/i.test(key)) u.searchParams.set(key, 'REDACTED')
    return u.toString()
  } catch {
    return String(url).replace(/[?#].*$/, '')
  }
}

function retryDelay(header, fallback) {
  if (header) {
    const s = Number(header)
    if (Number.isFinite(s)) return Math.min(Math.max(s, 0) * 1000, 60000)
    const d = Date.parse(header)
    if (Number.isFinite(d)) return Math.min(Math.max(d - Date.now(), 0), 60000)
  }
  return fallback
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

class Failure extends Error {
  constructor(kind, message, extra) {
    super(message)
    this.kind = kind
    this.extra = extra || {}
  }
}

async function fetchRange(job, state, start, end) {
  let last
  for (let attempt = 0; attempt <= job.retries; attempt++) {
    if (attempt > 0) state.retried++
    const url = state.finalUrl || job.url
    const sameOrigin = (() => { try { return new URL(url).origin === new URL(job.url).origin } catch { return false } })()
    const headers = Object.assign({}, sameOrigin ? job.headers : {}, { Range: 'bytes=' + start + '-' + end })
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), job.timeoutMs)
    let response
    try {
      state.requests++
      response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' })
    } catch (error) {
      clearTimeout(timer)
      const timedOut = controller.signal.aborted
      last = new Failure(timedOut ? 'timeout' : 'network', (timedOut ? 'Request timed out after ' + job.timeoutMs + ' ms' : 'Request failed: ' + ((error && error.cause && error.cause.message) || (error && error.message) || error)) + ' (' + redact(url) + ')', { url: redact(url) })
      if (state.finalUrl) state.finalUrl = null
      await sleep(job.backoffMs * 2 ** attempt)
      continue
    }
    if (response.redirected) {
      state.redirects++
      state.requests++
      state.finalUrl = response.url
    }
    if (response.status === 206) {
      const cr = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(response.headers.get('content-range') || '')
      let body
      try {
        body = await response.arrayBuffer()
      } catch (error) {
        clearTimeout(timer)
        last = new Failure(controller.signal.aborted ? 'timeout' : 'short-body', 'The connection was dropped while receiving bytes ' + start + '-' + end + ' of ' + redact(url) + ': ' + ((error && error.cause && error.cause.message) || (error && error.message) || error), { url: redact(url), start, end })
        await sleep(job.backoffMs * 2 ** attempt)
        continue
      }
      clearTimeout(timer)
      if (!cr && job.size !== undefined && response.headers.get('content-range') === null) {
        const wanted = Math.min(end, job.size - 1) - start + 1
        if (body.byteLength === wanted) return { start, status: 206, body, total: job.size }
        if (body.byteLength < wanted) {
          last = new Failure('short-body', redact(url) + ' sent ' + body.byteLength + ' of ' + wanted + ' bytes for bytes ' + start + '-' + end + '.', { url: redact(url), expected: wanted, received: body.byteLength, start, end })
          await sleep(job.backoffMs * 2 ** attempt)
          continue
        }
        throw new Failure('bad-content-range', redact(url) + ' answered a Range request for bytes ' + start + '-' + end + ' with ' + body.byteLength + ' bytes and no Content-Range.', { url: redact(url), start, end })
      }
      if (!cr || Number(cr[1]) !== start) {
        const seen = response.headers.get('content-range')
        const why = seen === null ? ' but its Content-Range header is not visible: a cross-origin server must list it in Access-Control-Expose-Headers (Access-Control-Expose-Headers: Content-Range, Content-Length).' : ' with Content-Range ' + JSON.stringify(seen) + '.'
        throw new Failure('bad-content-range', redact(url) + ' answered a Range request for bytes ' + start + '-' + end + why, { url: redact(url), start, end })
      }
      const total = cr[3] === '*' ? -1 : Number(cr[3])
      const expected = Number(cr[2]) - Number(cr[1]) + 1
      if (body.byteLength < expected) {
        last = new Failure('short-body', redact(url) + ' sent ' + body.byteLength + ' of ' + expected + ' bytes for bytes ' + start + '-' + end + '.', { url: redact(url), expected, received: body.byteLength, start, end })
        await sleep(job.backoffMs * 2 ** attempt)
        continue
      }
      return { start, status: 206, body: body.byteLength > expected ? body.slice(0, expected) : body, total }
    }
    if (response.status === 200) {
      clearTimeout(timer)
      const length = Number(response.headers.get('content-length'))
      try { await response.body && response.body.cancel() } catch {}
      throw new Failure('range-unsupported', redact(url) + ' does not support HTTP Range requests (answered 200 with the whole file); the server must answer Range requests with 206 Partial Content (and, across origins, expose Content-Range and Content-Length in Access-Control-Expose-Headers).', { url: redact(url), status: 200, total: Number.isFinite(length) ? length : -1 })
    }
    if (response.status === 416) {
      clearTimeout(timer)
      const cr = /bytes\s+\*\/(\d+)/i.exec(response.headers.get('content-range') || '')
      try { await response.body && response.body.cancel() } catch {}
      if (cr) return { start, status: 416, body: new ArrayBuffer(0), total: Number(cr[1]) }
      throw new Failure('http', redact(url) + ' answered 416 (range not satisfiable) for bytes ' + start + '-' + end + '.', { url: redact(url), status: 416 })
    }
    let text = ''
    try { text = (await response.text()).slice(0, 200) } catch {}
    clearTimeout(timer)
    if ((response.status === 403 || response.status === 401) && state.finalUrl && state.finalUrl !== job.url) {
      // A signed redirect target expired: go back to the original URL once.
      state.finalUrl = null
      last = new Failure('http', 'HTTP ' + response.status + ' from ' + redact(url), { url: redact(url), status: response.status })
      continue
    }
    if (RETRYABLE.has(response.status) && attempt < job.retries) {
      last = new Failure('http', 'HTTP ' + response.status + ' from ' + redact(url), { url: redact(url), status: response.status })
      await sleep(retryDelay(response.headers.get('retry-after'), job.backoffMs * 2 ** attempt))
      continue
    }
    throw new Failure('http', 'GET ' + redact(url) + ' (bytes ' + start + '-' + end + ') failed with HTTP ' + response.status + (text ? ': ' + text : '') + '.', { url: redact(url), status: response.status })
  }
  throw last || new Failure('network', 'Request to ' + redact(job.url) + ' failed.', { url: redact(job.url) })
}

async function run(job) {
  const state = { finalUrl: job.finalUrl || null, requests: 0, redirects: 0, retried: 0 }
  const parts = new Array(job.ranges.length)
  let next = 0
  let failure = null
  const lane = async () => {
    while (failure === null && next < job.ranges.length) {
      const i = next++
      try {
        parts[i] = await fetchRange(job, state, job.ranges[i][0], job.ranges[i][1])
      } catch (error) {
        failure = error
      }
    }
  }
  const lanes = []
  for (let i = 0; i < Math.max(1, Math.min(job.concurrency || 1, job.ranges.length)); i++) lanes.push(lane())
  await Promise.all(lanes)
  if (failure) throw failure
  return { parts, finalUrl: state.finalUrl, redirects: state.redirects, requests: state.requests, retried: state.retried }
}

port.on('message', async (job) => {
  let reply
  let transfer = []
  try {
    const result = await run(job)
    reply = Object.assign({ id: job.id, ok: true }, result)
    transfer = result.parts.map((p) => p.body)
  } catch (error) {
    const e = error instanceof Failure ? error : new Failure('network', String((error && error.message) || error), {})
    reply = { id: job.id, ok: false, error: Object.assign({ kind: e.kind, message: e.message }, e.extra) }
  }
  port.postMessage(reply, transfer)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
})
`

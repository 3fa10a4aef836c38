import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type * as NodeZlib from 'node:zlib'
import { NetworkError } from '@spikes/core'
import { concatBytes, nodeImport } from '@spikes/core/loader-utils'
import { allocBytes } from './alloc-bytes.js'
import { redact } from './http-fetch.js'
import { bodyTooLarge, DEFAULT_BODY_LIMIT, ERROR_BODY_BYTES, TransportFault, type HttpRequestSpec } from './transport.js'

let zlibLoading: Promise<typeof NodeZlib> | undefined
/** node:zlib, imported when a first encoded body arrives (a server answers Range requests without encoding). */
const loadZlib = () => (zlibLoading ??= nodeImport<typeof NodeZlib>('node:zlib'))

/** A body of headersOnly answer up to this long is read to its end (keeping the connection), a longer one is not. */
const DRAINED_BYTES = 64 * 1024

/** A node:http answer with its body read. */
export interface RawAnswer {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  body: Uint8Array
}

/**
 * Reads `response`'s body and settles with it. A 2xx body goes into one buffer of its Content-Length (checked
 * against the limit before any byte is read) or, without one, into chunks capped by the limit; of other
 * statuses only the first ERROR_BODY_BYTES are kept (the connection is dropped when more follow). A body cut
 * off before its end is a TransportFault ('network'); gzip, deflate and br bodies are decoded under the limit.
 */
export function readAnswerBody(
  response: IncomingMessage,
  method: string,
  spec: HttpRequestSpec,
  url: string,
  settle: (error: Error | undefined, value?: RawAnswer) => void,
  fail: (error: Error) => void,
): void {
  const status = response.statusCode ?? 0
  const done = (body: Uint8Array) => settle(undefined, { status, statusText: response.statusMessage ?? '', headers: response.headers, body })
  const declaredText = response.headers['content-length']
  const declared = declaredText === undefined ? NaN : Number(declaredText)
  const sized = Number.isSafeInteger(declared) && declared >= 0
  if (method === 'HEAD' || status === 204 || status === 304 || (spec.headersOnly && sized && declared <= DRAINED_BYTES)) {
    // Read to its end, so that the connection can serve the next request.
    response.resume()
    response.once('end', () => done(new Uint8Array(0)))
    response.once('close', () => done(new Uint8Array(0)))
    return
  }
  if (spec.headersOnly) {
    done(new Uint8Array(0))
    return void response.destroy()
  }
  const success = status >= 200 && status < 300
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  const limit = success ? (spec.limit?.(status) ?? DEFAULT_BODY_LIMIT) : ERROR_BODY_BYTES
  const tooLarge = (size: string) => spec.tooLarge?.(size, status) ?? bodyTooLarge(url, size, limit)
  if (success && encoding === 'identity' && sized && declared > limit) return fail(tooLarge(`${declared} bytes`))
  const buffer = !sized || declared > limit ? undefined : success && encoding === 'identity' && spec.into && declared <= spec.into.length ? spec.into.subarray(0, declared) : allocBytes(declared)
  const chunks: Uint8Array[] = []
  let size = 0
  response.on('data', (chunk: Uint8Array) => {
    if (size + chunk.length > limit) {
      if (!success) {
        // Enough of an error page for a message; the rest is not worth the connection's time.
        chunks.push(chunk.subarray(0, limit - size))
        size = limit
        done(joined(chunks, size))
        return response.destroy()
      }
      return fail(tooLarge(`more than ${limit} bytes`))
    }
    if (buffer) buffer.set(chunk, size)
    else chunks.push(chunk)
    size += chunk.length
  })
  response.once('end', () => {
    if (sized && size < declared) return fail(new TransportFault('network', `the body of ${redact(url)} ended after ${size} of the ${declared} bytes announced`))
    const body = buffer ? buffer.subarray(0, size) : joined(chunks, size)
    if (!success || encoding === 'identity') return done(body)
    loadZlib()
      .then((zlib) => decode(zlib, encoding, body, limit, url))
      .then(done, (error: unknown) => fail((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge(`more than ${limit} bytes`) : (error as Error)))
  })
  response.on('error', (error) => fail(new TransportFault('network', `the body of ${redact(url)} was cut off after ${size} bytes: ${error.message}`, { cause: error })))
  response.once('close', () => {
    if (!response.complete) fail(new TransportFault('network', `the body of ${redact(url)} was cut off after ${size} bytes`))
  })
}

/** The body's pieces as one plain Uint8Array (not a Buffer, whose slice() would be a view). */
function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const out = concatBytes(chunks, size)
  return Buffer.isBuffer(out) ? new Uint8Array(out.buffer, out.byteOffset, size) : out
}

function decode(zlib: typeof NodeZlib, encoding: string, body: Uint8Array, limit: number, url: string): Uint8Array {
  const options = { maxOutputLength: Math.max(1, Math.min(limit, 2 ** 31 - 1)) }
  let out: Uint8Array
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') out = zlib.gunzipSync(body, options)
    else if (encoding === 'deflate') out = zlib.inflateSync(body, options)
    else if (encoding === 'br') out = zlib.brotliDecompressSync(body, options)
    else throw new NetworkError(`${redact(url)} sent its body with Content-Encoding ${JSON.stringify(encoding)}, which is not understood (gzip, deflate and br are).`, { url: redact(url), contentEncoding: encoding })
  } catch (error) {
    if (error instanceof NetworkError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw error
    throw new NetworkError(`${redact(url)} sent a ${encoding} body that does not decode: ${(error as Error).message}`, { url: redact(url), contentEncoding: encoding }, { cause: error })
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

import type { Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { IntegrityError, UnsupportedError } from '@spikes/core'
import { concatBytes } from '@spikes/core/loader-utils'
import type { NodeDeps } from './node-deps.js'

/** Where a download's bytes go; `R` is what a completed, verified download yields. */
export interface DownloadSink<R> {
  /** Called once before the first byte. */
  start(): Promise<void>
  write(chunk: Uint8Array): Promise<void>
  /** The server ignored Range on a resume: everything written so far is dropped. */
  restart(): Promise<void>
  /** Lower-case hex SHA-256 of all bytes written (called once, after the last write). */
  digest(): Promise<string>
  /** Keeps the bytes (called after the size and digest checks passed). */
  commit(): Promise<R>
  /** Drops the bytes (every failure path); must not throw. */
  discard(): Promise<void>
}

/**
 * Bytes to a temporary file beside `dest`, hashed as they arrive, renamed to `dest` on commit (Node).
 * Nothing partial is ever left at `dest`.
 */
export function fileSink(dest: string, deps: NodeDeps): DownloadSink<string> {
  const { fs, path, crypto } = deps
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${crypto.randomBytes(6).toString('hex')}.part`)
  let handle: FileHandle | null = null
  let hash: Hash = crypto.createHash('sha256')
  return {
    async start() {
      handle = await fs.open(tmp, 'w')
    },
    async write(chunk) {
      await handle!.write(chunk)
      hash.update(chunk)
    },
    async restart() {
      await handle!.truncate(0)
      await handle!.close()
      handle = await fs.open(tmp, 'w')
      hash = crypto.createHash('sha256')
    },
    async digest() {
      await handle!.close()
      handle = null
      return hash.digest('hex')
    },
    async commit() {
      await fs.rename(tmp, dest)
      return dest
    },
    async discard() {
      await handle?.close().catch(() => {})
      handle = null
      await fs.rm(tmp, { force: true }).catch(() => {})
    },
  }
}

/**
 * Bytes to memory (browsers, which have no file to stream to). With a known size the buffer is allocated
 * once and filled in place, and a body longer than that size fails at once with IntegrityError; without
 * one, chunks are kept and joined on commit. The digest uses Web Crypto, which a browser offers only to
 * secure contexts (https, localhost).
 */
export function memorySink(name: string, expectedSize: number | undefined): DownloadSink<Uint8Array> {
  let buffer = expectedSize !== undefined ? new Uint8Array(expectedSize) : null
  let chunks: Uint8Array[] = []
  let written = 0
  const bytes = (): Uint8Array => {
    if (buffer) return buffer.subarray(0, written)
    const out = concatBytes(chunks, written)
    chunks = [out]
    return out
  }
  return {
    async start() {},
    async write(chunk) {
      if (buffer) {
        if (written + chunk.length > buffer.length) {
          throw new IntegrityError(`${name} sent more than the ${buffer.length} bytes the archive says it has; nothing was kept.`, { expected: buffer.length, actual: written + chunk.length, check: 'size' })
        }
        buffer.set(chunk, written)
      } else chunks.push(chunk.slice())
      written += chunk.length
    },
    async restart() {
      chunks = []
      written = 0
    },
    async digest() {
      const subtle = globalThis.crypto?.subtle
      if (!subtle) throw new UnsupportedError('sha256-insecure-context', `The SHA-256 of ${name} cannot be checked here: browsers offer Web Crypto only to secure contexts (https or localhost). Serve the page securely, or turn off digest verification.`)
      const hash = new Uint8Array(await subtle.digest('SHA-256', bytes() as Uint8Array<ArrayBuffer>))
      return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')
    },
    async commit() {
      return bytes()
    },
    async discard() {
      buffer = null
      chunks = []
    },
  }
}

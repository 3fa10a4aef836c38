import { AbortedError, NetworkError } from '@spikes/core'
import { redact } from '@spikes/remote'
import { nodeImport } from '../runtime.js'
import type { RangeTransport } from './range-transport.js'
import { FETCH_WORKER_SOURCE } from './worker-source.js'

/** HTTP behaviour of SyncHttp, XhrSyncHttp and RemoteFile. */
export interface SyncHttpOptions {
  /** Extra request headers (e.g. Authorization). Sent only to the URL's own origin, never to redirect targets. */
  headers?: Record<string, string>
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number
  /** Retries of one range on network errors, dropped or short bodies, 429 and 5xx (default 4). */
  retries?: number
  /** First backoff in ms, doubled per attempt; Retry-After wins when the server sends it (default 250). */
  backoffMs?: number
  /** Ranges fetched at once when one read needs several requests (default 4; Node only, a browser worker fetches one at a time). */
  concurrency?: number
  /**
   * The file's size, when known from elsewhere (an archive's asset record). A 206 answer whose Content-Range
   * cannot be read (a cross-origin server whose CORS does not expose it) is then accepted when its body has
   * exactly the bytes asked for (shorter is retried, longer refused).
   */
  size?: number
  /**
   * Where `url` is known to redirect (a presigned storage URL resolved beforehand): reads go there directly,
   * and back to `url` once to be redirected afresh when it answers 401/403 (the signature expired).
   */
  resolvedUrl?: string
}

/** One fetched range of a RangeBatch. */
export interface RangePart {
  /** Byte offset of `bytes` in the file. */
  start: number
  /** 206, or 416 when the range starts at or after the end of the file. */
  status: number
  bytes: Uint8Array
  /** Total size from Content-Range, -1 when the server did not say. */
  total: number
}

/** The result of a RangeTransport's fetchRanges: one part per requested range, and request counters. */
export interface RangeBatch {
  parts: RangePart[]
  /** HTTP requests made, redirects and retries included. */
  requests: number
  /** Requests that were retries. */
  retried: number
}

interface WorkerReply {
  id: number
  ok: boolean
  parts?: { start: number; status: number; body: ArrayBuffer; total: number }[]
  finalUrl?: string | null
  requests?: number
  retried?: number
  error?: { kind: string; message: string; status?: number; url?: string; [k: string]: unknown }
}

type WorkerThreads = typeof import('node:worker_threads')

/**
 * Synchronous HTTP Range reads for code that cannot await (h5wasm's file reads): a worker thread does
 * the fetches while the calling thread waits in Atomics.wait. Node only (XhrSyncHttp is the browser's).
 */
export class SyncHttp implements RangeTransport {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  private worker: import('node:worker_threads').Worker | null
  private port: import('node:worker_threads').MessagePort | null
  private nextId = 1
  private finalUrl: string | null = null
  private closed = false

  private constructor(
    private readonly wt: WorkerThreads,
    readonly url: string,
    private readonly options: Required<Omit<SyncHttpOptions, 'headers' | 'size' | 'resolvedUrl'>> & { headers: Record<string, string>; size: number | undefined },
    resolvedUrl: string | undefined,
  ) {
    this.finalUrl = resolvedUrl ?? null
    const { port1, port2 } = new wt.MessageChannel()
    this.worker = new wt.Worker(FETCH_WORKER_SOURCE, { eval: true, workerData: { flag: this.flag.buffer, port: port2 }, transferList: [port2] })
    this.worker.unref()
    // The worker only ends on terminate(); an error event would leave a waiter blocked until its timeout.
    this.worker.on('error', () => {})
    this.port = port1
    port1.unref()
  }

  /** Starts the fetch worker for `url` (no request is made yet). */
  static async create(url: string, options: SyncHttpOptions = {}): Promise<SyncHttp> {
    const wt = await nodeImport<WorkerThreads>('node:worker_threads')
    return new SyncHttp(wt, url, {
      headers: { ...(options.headers ?? {}) },
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 250,
      concurrency: options.concurrency ?? 4,
      size: options.size,
    }, options.resolvedUrl)
  }

  /** The URL reads go to after the first redirect (a signed storage URL), when there was one. */
  get resolvedUrl(): string {
    return this.finalUrl ?? this.url
  }

  /** Fetches byte ranges [start, endInclusive], blocking the calling thread until all have arrived. */
  fetchRanges(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): RangeBatch {
    if (this.closed || !this.worker || !this.port) throw new NetworkError(`The remote file ${redact(this.url)} was closed.`, { url: redact(this.url), closed: true })
    if (signal?.aborted) throw new AbortedError(`Reading ${redact(this.url)}`)
    const id = this.nextId++
    Atomics.store(this.flag, 0, 0)
    this.port.postMessage({
      id,
      url: this.url,
      finalUrl: this.finalUrl,
      headers: this.options.headers,
      ranges,
      timeoutMs: this.options.timeoutMs,
      retries: this.options.retries,
      backoffMs: this.options.backoffMs,
      concurrency: this.options.concurrency,
      size: this.options.size,
    })
    // Worst case: every retry of every range times out, plus the longest Retry-After we honour.
    const rounds = Math.ceil(ranges.length / Math.max(1, this.options.concurrency))
    const budget = rounds * (this.options.retries + 1) * (this.options.timeoutMs + 60_000) + 5_000
    const waited = Atomics.wait(this.flag, 0, 0, budget)
    const received = this.wt.receiveMessageOnPort(this.port)
    if (waited === 'timed-out' && !received) {
      this.close()
      throw new NetworkError(`Reading ${redact(this.url)} did not finish within ${Math.round(budget / 1000)} s.`, { url: redact(this.url), timeoutMs: budget })
    }
    const reply = received?.message as WorkerReply | undefined
    if (!reply || reply.id !== id) {
      this.close()
      throw new NetworkError(`The fetch worker for ${redact(this.url)} answered out of turn.`, { url: redact(this.url) })
    }
    if (!reply.ok) throw toError(reply.error ?? { kind: 'network', message: 'unknown failure' }, this.url)
    if (reply.finalUrl !== undefined) this.finalUrl = reply.finalUrl ?? null
    return {
      parts: (reply.parts ?? []).map((p) => ({ start: p.start, status: p.status, total: p.total, bytes: new Uint8Array(p.body) })),
      requests: reply.requests ?? 0,
      retried: reply.retried ?? 0,
    }
  }

  /** Terminates the worker (idempotent); later fetchRanges calls throw NetworkError. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.port?.close()
    void this.worker?.terminate()
    this.worker = null
    this.port = null
  }
}

function toError(e: NonNullable<WorkerReply['error']>, url: string): NetworkError {
  const { kind, message, ...rest } = e
  const details: Record<string, unknown> = { url: rest.url ?? redact(url), ...rest, reason: kind }
  if (kind === 'range-unsupported') details.rangeUnsupported = true
  return new NetworkError(message, details)
}

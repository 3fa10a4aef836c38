import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SpikesError } from '@spikes/core'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { errorRow } from './summarize.js'
import type { FromWorker, ToWorker } from './worker.js'

export interface PoolOptions {
  /** Worker processes. */
  readonly jobs: number
  /** Setup module each worker imports (see loadSetup). */
  readonly setup?: string
  /** Concurrent HTTP requests per worker. */
  readonly maxRequests: number
  /** V8 heap limit of a worker (--max-old-space-size), MB. */
  readonly heapMb: number
  /** A worker whose resident memory exceeds this after a recording is replaced by a fresh one, MB. */
  readonly recycleRssMb: number
  readonly signal?: AbortSignal
}

/** What one worker slot used: its peak resident memory over every process it ran, and how many recordings. */
export interface WorkerStats {
  peakRssBytes: number
  recordings: number
  restarts: number
}

const DEV = import.meta.url.endsWith('.ts')
const WORKER = new URL(DEV ? './worker.ts' : './worker.js', import.meta.url)
// Running from TypeScript sources (tests, a checkout without a build): workers need the same module hooks.
const DEV_HOOKS = new URL('../../../tools/ts-run/register.mjs', import.meta.url)

/**
 * Loads items in `jobs` worker processes (child_process.fork), one recording per worker at a time, calling
 * `onEntry` as each finishes (in completion order). A worker that dies mid-recording (out of memory, a crash)
 * turns that recording into an error row (SPIKES_SCAN_WORKER_EXITED) and is replaced.
 */
export async function runPool(items: readonly ScanItem[], options: PoolOptions, onEntry: (entry: LedgerEntry) => void): Promise<WorkerStats[]> {
  let next = 0
  const take = () => (next < items.length && !options.signal?.aborted ? items[next++] : undefined)
  const slots = Math.max(1, Math.min(options.jobs, items.length))
  return Promise.all(Array.from({ length: slots }, () => runSlot(take, options, onEntry)))
}

async function runSlot(take: () => ScanItem | undefined, options: PoolOptions, onEntry: (entry: LedgerEntry) => void): Promise<WorkerStats> {
  const stats: WorkerStats = { peakRssBytes: 0, recordings: 0, restarts: 0 }
  let worker: Worker | undefined
  try {
    for (let item = take(); item; item = take()) {
      worker ??= await Worker.start(options)
      const started = performance.now()
      const outcome = await worker.load(item)
      stats.recordings++
      if (outcome.kind === 'result') {
        stats.peakRssBytes = Math.max(stats.peakRssBytes, outcome.maxRss, outcome.rss)
        onEntry(outcome.entry)
        if (outcome.rss > options.recycleRssMb * 1024 * 1024) {
          worker.stop()
          worker = undefined
          stats.restarts++
        }
      } else {
        const why = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`
        const tail = outcome.stderr.trim().split('\n').slice(-3).join(' | ')
        const message = `The worker loading it exited (${why}) before finishing; with a heap limit of ${options.heapMb} MB, it may have run out of memory.${tail ? ` Its last words: ${tail}` : ''}`
        onEntry({ recording: errorRow(item.source, 'SPIKES_SCAN_WORKER_EXITED', message, Math.round(performance.now() - started) / 1000, item.format ?? null), units: [] })
        worker = undefined
        stats.restarts++
      }
    }
  } finally {
    worker?.stop()
  }
  return stats
}

type Outcome = { kind: 'result'; entry: LedgerEntry; rss: number; maxRss: number } | { kind: 'exit'; code: number | null; signal: string | null; stderr: string }

/** Bytes of a worker's stderr kept (native libraries print diagnostics there; only a crash report needs them). */
const STDERR_TAIL = 4096

class Worker {
  #nextId = 1
  #pending: ((outcome: Outcome) => void) | undefined
  #item: ScanItem | undefined
  #stderr = ''
  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
    })
    child.on('message', (message: FromWorker) => {
      if (message.type === 'result') this.#settle({ kind: 'result', entry: message.entry, rss: message.rss, maxRss: message.maxRss })
      else if (message.type === 'failed' && this.#item) {
        const entry = { recording: errorRow(this.#item.source, message.code, message.message, 0, this.#item.format ?? null), units: [] }
        this.#settle({ kind: 'result', entry, rss: 0, maxRss: 0 })
      }
    })
    child.on('exit', (code, signal) => this.#settle({ kind: 'exit', code, signal, stderr: this.#stderr }))
  }

  static async start(options: PoolOptions): Promise<Worker> {
    const execArgv = [`--max-old-space-size=${options.heapMb}`, ...(DEV ? ['--import', DEV_HOOKS.href] : [])]
    const child = fork(fileURLToPath(WORKER), [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' })
    // Drained from the start (the Worker keeps its tail): a full pipe would stall the worker.
    child.stderr?.resume()
    const onAbort = () => child.kill('SIGKILL')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.once('exit', () => options.signal?.removeEventListener('abort', onAbort))
    await new Promise<void>((resolve, reject) => {
      child.once('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve()
        else if (message.type === 'failed') reject(new SpikesError(message.code, `A scan worker could not start: ${message.message}`))
      })
      child.once('exit', (code) => reject(new SpikesError('SPIKES_SCAN_WORKER_EXITED', `A scan worker exited while starting (exit code ${code}).`)))
      child.send({ type: 'init', setup: options.setup, maxRequests: options.maxRequests } satisfies ToWorker)
    })
    return new Worker(child)
  }

  load(item: ScanItem): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      this.#pending = resolve
      this.#item = item
      this.child.send({ type: 'load', id: this.#nextId++, item } satisfies ToWorker)
    })
  }

  stop(): void {
    this.child.removeAllListeners('exit')
    if (this.child.connected) this.child.disconnect()
    setTimeout(() => this.child.kill('SIGKILL'), 5000).unref()
  }

  #settle(outcome: Outcome): void {
    const pending = this.#pending
    this.#pending = undefined
    pending?.(outcome)
  }
}

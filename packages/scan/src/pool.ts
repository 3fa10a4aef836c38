import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SpikesError } from '@spikes/core'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { errorRow } from './summarize.js'
import type { LoadIn } from './runner.js'
import type { FromWorker, ToWorker, WorkerUsage } from './worker.js'

export interface PoolOptions {
  /** Worker processes. */
  readonly jobs: number
  /** Recordings in flight per worker. */
  readonly concurrency: number
  /** HTTP requests a worker has open at once to one host; null leaves them uncapped (a scan of local files only). */
  readonly maxRequests: number | null
  /** Where a worker runs its loads: one load thread per recording in flight, or its own event loop. */
  readonly loadIn: LoadIn
  /** Setup module each load thread imports (see loadSetup). */
  readonly setup?: string
  /** V8 heap limit of a worker process (--max-old-space-size), MB. */
  readonly heapMb: number
  /** A worker whose resident memory exceeds this after a recording is replaced by a fresh one, MB. */
  readonly recycleRssMb: number
  readonly signal?: AbortSignal
}

/** What one worker slot used: its peak resident memory over every process it ran, and how many recordings. */
export interface WorkerStats {
  peakRssBytes: number
  /** CPU time (user + system) of the worker's processes, all threads, as last reported. */
  cpuSeconds: number
  recordings: number
  restarts: number
  /** The most recordings one of its processes had in flight at once (at most the pool's concurrency). */
  peakLoads: number
  /** The most load threads one of its processes had alive at once (0 when loading on the event loop). */
  peakThreads: number
}

const DEV = import.meta.url.endsWith('.ts')
const WORKER = new URL(DEV ? './worker.ts' : './worker.js', import.meta.url)
// Running from TypeScript sources (tests, a checkout without a build): workers need the same module hooks.
const DEV_HOOKS = new URL('../../../tools/ts-run/register.mjs', import.meta.url)
/**
 * A worker's first old-generation size, MB. V8 starts small and grows the limit slowly, so a worker whose live
 * heap is ~10 MB ran a full mark-compact every one or two NWB assets (~30 for 60, about a third of its CPU);
 * from 128 MB it runs none for 240 assets, at ~15 MB more peak RSS (bench/scan: CPU per asset 0.026 -> 0.015 s).
 */
export function initialOldSpaceMb(heapMb: number): number {
  return Math.max(1, Math.min(128, Math.floor(heapMb / 4)))
}

/** Node flags for every worker from SPIKES_SCAN_NODE_ARGS (space-separated), e.g. `--cpu-prof --cpu-prof-dir=prof` to profile them. */
const extraNodeArgs = () => (process.env.SPIKES_SCAN_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
/** Bytes of a worker's stderr kept (native libraries print diagnostics there; only a crash report needs them). */
const STDERR_TAIL = 4096

/**
 * Loads items in `jobs` worker processes (child_process.fork), up to `concurrency` recordings in flight in
 * each, calling `onEntry` as each finishes (in completion order). A worker that dies (out of memory, a crash)
 * turns the recordings it held into error rows (SPIKES_SCAN_WORKER_EXITED) and is replaced.
 */
export async function runPool(items: readonly ScanItem[], options: PoolOptions, onEntry: (entry: LedgerEntry) => void): Promise<WorkerStats[]> {
  let next = 0
  const take = () => (next < items.length && !options.signal?.aborted ? items[next++] : undefined)
  const slots = Math.max(1, Math.min(options.jobs, Math.ceil(items.length / options.concurrency)))
  // When every item names its loader, workers import only those loaders' plugins.
  const formats = items.every((i) => i.format) ? [...new Set(items.map((i) => i.format!))] : undefined
  return Promise.all(Array.from({ length: slots }, () => runSlot(take, options, formats, onEntry)))
}

async function runSlot(take: () => ScanItem | undefined, options: PoolOptions, formats: readonly string[] | undefined, onEntry: (entry: LedgerEntry) => void): Promise<WorkerStats> {
  const stats: WorkerStats = { peakRssBytes: 0, cpuSeconds: 0, recordings: 0, restarts: 0, peakLoads: 0, peakThreads: 0 }
  // Each process reports its own cumulative CPU time; a retired one may still report while its successor runs.
  const cpuByWorker = new Map<Worker, number>()
  let worker: Worker | undefined
  const inFlight = new Set<Promise<void>>()
  const startOne = (item: ScanItem, w: Worker) => {
    const started = performance.now()
    const done = w.load(item).then((outcome) => {
      stats.recordings++
      if (outcome.kind === 'result') {
        stats.peakRssBytes = Math.max(stats.peakRssBytes, outcome.maxRss, outcome.rss)
        stats.peakLoads = Math.max(stats.peakLoads, outcome.peakLoads)
        stats.peakThreads = Math.max(stats.peakThreads, outcome.peakThreads)
        cpuByWorker.set(w, Math.max(cpuByWorker.get(w) ?? 0, outcome.cpuSeconds))
        stats.cpuSeconds = [...cpuByWorker.values()].reduce((sum, seconds) => sum + seconds, 0)
        onEntry(outcome.entry)
        if (outcome.rss > options.recycleRssMb * 1024 * 1024 && worker === w) retire(w)
      } else {
        const why = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`
        const tail = outcome.stderr.trim().split('\n').slice(-3).join(' | ')
        const message = `The worker loading it exited (${why}) before finishing; with a heap limit of ${options.heapMb} MB, it may have run out of memory.${tail ? ` Its last words: ${tail}` : ''}`
        onEntry({ recording: errorRow(item.source, 'SPIKES_SCAN_WORKER_EXITED', message, Math.round(performance.now() - started) / 1000, item.format ?? null), units: [] })
        if (worker === w) retire(w)
      }
    })
    inFlight.add(done)
    void done.finally(() => inFlight.delete(done))
  }
  const retire = (w: Worker) => {
    worker = undefined
    stats.restarts++
    w.stopWhenIdle()
  }
  try {
    for (let item = take(); item; item = take()) {
      worker ??= await Worker.start(options, formats)
      startOne(item, worker)
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
  } finally {
    worker?.stopWhenIdle()
  }
  return stats
}

type Outcome = ({ kind: 'result'; entry: LedgerEntry } & WorkerUsage) | { kind: 'exit'; code: number | null; signal: string | null; stderr: string }

class Worker {
  #nextId = 1
  readonly #pending = new Map<number, (outcome: Outcome) => void>()
  #stderr = ''
  #stopping = false
  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
    })
    child.on('message', (message: FromWorker) => {
      if (message.type !== 'result') return
      const settle = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      const { type: _, id: __, ...result } = message
      settle?.({ ...result, kind: 'result' })
      if (this.#stopping && this.#pending.size === 0) this.#stop()
    })
    child.on('exit', (code, signal) => {
      for (const settle of this.#pending.values()) settle({ kind: 'exit', code, signal, stderr: this.#stderr })
      this.#pending.clear()
    })
  }

  static async start(options: PoolOptions, formats: readonly string[] | undefined): Promise<Worker> {
    const execArgv = [`--max-old-space-size=${options.heapMb}`, `--initial-old-space-size=${initialOldSpaceMb(options.heapMb)}`, ...(DEV ? ['--import', DEV_HOOKS.href] : []), ...extraNodeArgs()]
    const child = fork(fileURLToPath(WORKER), [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' })
    const worker = new Worker(child)
    const onAbort = () => child.kill('SIGKILL')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.once('exit', () => options.signal?.removeEventListener('abort', onAbort))
    await new Promise<void>((resolve, reject) => {
      child.once('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve()
        else if (message.type === 'failed') reject(new SpikesError(message.code, `A scan worker could not start: ${message.message}`))
      })
      child.once('exit', (code) => reject(new SpikesError('SPIKES_SCAN_WORKER_EXITED', `A scan worker exited while starting (exit code ${code}). ${worker.#stderr.trim().split('\n').slice(-3).join(' | ')}`)))
      child.send({ type: 'init', loadIn: options.loadIn, setup: options.setup, formats, concurrency: options.concurrency, maxRequests: options.maxRequests } satisfies ToWorker)
    })
    return worker
  }

  load(item: ScanItem): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const id = this.#nextId++
      this.#pending.set(id, resolve)
      this.child.send({ type: 'load', id, item } satisfies ToWorker)
    })
  }

  /** Ends the process once the recordings it holds are done (at once when it holds none). */
  stopWhenIdle(): void {
    this.#stopping = true
    if (this.#pending.size === 0) this.#stop()
  }

  #stop(): void {
    if (this.child.connected) this.child.disconnect()
    setTimeout(() => this.child.kill('SIGKILL'), 5000).unref()
  }
}

// Entry of a scan worker process (started by the pool with child_process.fork). It keeps up to `concurrency`
// recordings in flight, in load threads or on its own event loop (see LoadIn), so its memory is bounded by
// that many recordings, never by the number of inputs.
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { startLoopRunner } from './loop-runner.js'
import { peakResidentBytes } from './memory.js'
import type { LoadIn, LoadJob, Runner, RunnerOptions } from './runner.js'
import { startThreadRunner } from './thread-runner.js'

/** Messages from the pool to a worker process. */
export type ToWorker = ({ type: 'init'; loadIn: LoadIn } & RunnerOptions) | { type: 'load'; id: number; item: ScanItem }
/** What a worker process used and ran so far: memory, CPU, the most loads in flight and load threads alive at once. */
export interface WorkerUsage {
  rss: number
  maxRss: number
  cpuSeconds: number
  peakLoads: number
  peakThreads: number
}
/** Messages from a worker process to the pool. */
export type FromWorker = { type: 'ready' } | { type: 'failed'; code: string; message: string } | ({ type: 'result'; id: number; entry: LedgerEntry } & WorkerUsage)

const send = (message: FromWorker) => process.send!(message)
let runner: Runner | undefined
const early: LoadJob[] = []

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    const { loadIn, type: _, ...options } = message
    const start = loadIn === 'loop' ? startLoopRunner : startThreadRunner
    capRequests(options.maxRequests)
      .then(() => start(options, (id, entry) => send({ type: 'result', id, entry, ...usage() })))
      .then(
      (started) => {
        runner = started
        send({ type: 'ready' })
        for (const job of early.splice(0)) started.load(job)
      },
      (error: { code?: string; message?: string }) => send({ type: 'failed', code: error?.code ?? 'SPIKES_INTERNAL', message: error?.message ?? String(error) }),
    )
    return
  }
  const job = { id: message.id, item: message.item }
  if (runner) runner.load(job)
  else early.push(job)
})
process.on('disconnect', () => process.exit(0))

/** Sets the process-wide cap on requests open at once to one host before any load starts (@spikes/remote, imported only for a scan with remote inputs). */
async function capRequests(maxRequests: number | null): Promise<void> {
  if (maxRequests === null) return
  const { setMaxRequestsPerHost } = await import('@spikes/remote')
  setMaxRequestsPerHost(maxRequests)
}

/** This process's resident memory now and at its peak (bytes), the CPU time it used so far (all its threads), and the runner's peaks. */
function usage(): WorkerUsage {
  const cpu = process.cpuUsage()
  const counts = runner?.counts()
  return {
    rss: process.memoryUsage().rss,
    maxRss: peakResidentBytes(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakLoads: counts?.peakActive ?? 0,
    peakThreads: counts?.peakThreads ?? 0,
  }
}

// Entry of a scan worker process (started by the pool with child_process.fork). It keeps up to `concurrency`
// recordings in flight, each in a load thread of its own, so its memory is bounded by that many recordings,
// never by the number of inputs.
import { Worker } from 'node:worker_threads'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import type { FromThread, ToThread } from './load-thread.js'
import { errorRow } from './summarize.js'

/** Messages from the pool to a worker process. */
export type ToWorker = { type: 'init'; setup?: string; concurrency: number } | { type: 'load'; id: number; item: ScanItem }
/** Messages from a worker process to the pool. */
export type FromWorker = { type: 'ready' } | { type: 'failed'; code: string; message: string } | { type: 'result'; id: number; entry: LedgerEntry; rss: number; maxRss: number; cpuSeconds: number }

const THREAD = new URL(import.meta.url.endsWith('.ts') ? './load-thread.ts' : './load-thread.js', import.meta.url)
const send = (message: FromWorker) => process.send!(message)

interface Slot {
  thread: Worker
  busy: { id: number; item: ScanItem } | undefined
}
let setup: string | undefined
const idle: Slot[] = []
const queue: { id: number; item: ScanItem }[] = []
let threads = 0
let concurrency = 1

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    setup = message.setup
    concurrency = message.concurrency
    // One thread first: a setup that fails is reported once, before any recording is handed out.
    startThread().then(
      (slot) => {
        idle.push(slot)
        send({ type: 'ready' })
      },
      (error: { code?: string; message?: string }) => send({ type: 'failed', code: error?.code ?? 'SPIKES_INTERNAL', message: error?.message ?? String(error) }),
    )
    return
  }
  queue.push({ id: message.id, item: message.item })
  void dispatch()
})
process.on('disconnect', () => process.exit(0))

async function dispatch(): Promise<void> {
  while (queue.length > 0) {
    let slot = idle.pop()
    if (!slot && threads < concurrency) slot = await startThread().catch(() => undefined)
    if (!slot) return
    const job = queue.shift()
    if (!job) return void idle.push(slot)
    slot.busy = job
    slot.thread.postMessage({ type: 'load', id: job.id, item: job.item } satisfies ToThread)
  }
}

/** This process's resident memory now and at its peak (bytes), and the CPU time it used so far (all its threads). */
function usage(): { rss: number; maxRss: number; cpuSeconds: number } {
  const cpu = process.cpuUsage()
  return { rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

function startThread(): Promise<Slot> {
  threads++
  const thread = new Worker(THREAD, { execArgv: process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')), stderr: false })
  const slot: Slot = { thread, busy: undefined }
  return new Promise<Slot>((resolve, reject) => {
    thread.on('message', (message: FromThread) => {
      if (message.type === 'ready') resolve(slot)
      else if (message.type === 'failed' && !slot.busy) reject(message)
      else if (slot.busy) {
        const { id, item } = slot.busy
        const entry = message.type === 'result' ? message.entry : { recording: errorRow(item.source, message.code, message.message, 0, item.format ?? null), units: [] }
        slot.busy = undefined
        idle.push(slot)
        send({ type: 'result', id, entry, ...usage() })
        void dispatch()
      }
    })
    thread.on('error', (error) => reject(error))
    thread.on('exit', (code) => {
      threads--
      const at = idle.indexOf(slot)
      if (at >= 0) idle.splice(at, 1)
      if (slot.busy) {
        const { id, item } = slot.busy
        const message = `The load thread exited (exit code ${code}) before finishing it.`
        send({ type: 'result', id, entry: { recording: errorRow(item.source, 'SPIKES_SCAN_WORKER_EXITED', message, 0, item.format ?? null), units: [] }, ...usage() })
        slot.busy = undefined
        void dispatch()
      }
    })
    thread.postMessage({ type: 'init', setup } satisfies ToThread)
  })
}

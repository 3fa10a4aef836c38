// Loads in load threads (worker_threads), one recording per thread at a time, up to `concurrency` threads: an
// in-place h5wasm read blocks its thread until its bytes arrive, so the threads overlap those waits.
import { Worker } from 'node:worker_threads'
import type { FromThread, ToThread } from './load-thread.js'
import type { LoadJob, Report, Runner, RunnerOptions } from './runner.js'
import { errorRow } from './summarize.js'

const THREAD = new URL(import.meta.url.endsWith('.ts') ? './load-thread.ts' : './load-thread.js', import.meta.url)

interface Slot {
  thread: Worker
  busy: LoadJob | undefined
}

/** Starts one load thread (so that a setup that fails is reported once, before any recording), more on demand. */
export async function startThreadRunner(options: RunnerOptions, report: Report): Promise<Runner> {
  const idle: Slot[] = []
  const queue: LoadJob[] = []
  let threads = 0
  let peakThreads = 0
  let active = 0
  let peakActive = 0

  const finish = (slot: Slot, entry: Parameters<Report>[1]) => {
    const job = slot.busy!
    slot.busy = undefined
    active--
    report(job.id, entry)
  }
  const startThread = (): Promise<Slot> => {
    threads++
    peakThreads = Math.max(peakThreads, threads)
    const thread = new Worker(THREAD, { execArgv: process.execArgv.filter((a) => !/^--(max|initial)-old-space-size/.test(a)), stderr: false })
    const slot: Slot = { thread, busy: undefined }
    return new Promise<Slot>((resolve, reject) => {
      thread.on('message', (message: FromThread) => {
        if (message.type === 'ready') resolve(slot)
        else if (message.type === 'failed' && !slot.busy) reject(message)
        else if (slot.busy) {
          const { item } = slot.busy
          finish(slot, message.type === 'result' ? message.entry : { recording: errorRow(item.source, message.code, message.message, 0, item.format ?? null), units: [] })
          idle.push(slot)
          void dispatch()
        }
      })
      thread.on('error', (error) => reject(error))
      thread.on('exit', (code) => {
        threads--
        const at = idle.indexOf(slot)
        if (at >= 0) idle.splice(at, 1)
        if (slot.busy) {
          const { item } = slot.busy
          const message = `The load thread exited (exit code ${code}) before finishing it.`
          finish(slot, { recording: errorRow(item.source, 'SPIKES_SCAN_WORKER_EXITED', message, 0, item.format ?? null), units: [] })
          void dispatch()
        }
      })
      thread.postMessage({ type: 'init', setup: options.setup, formats: options.formats } satisfies ToThread)
    })
  }
  const dispatch = async (): Promise<void> => {
    while (queue.length > 0) {
      let slot = idle.pop()
      if (!slot && threads < options.concurrency) slot = await startThread().catch(() => undefined)
      if (!slot) return
      const job = queue.shift()
      if (!job) return void idle.push(slot)
      slot.busy = job
      active++
      peakActive = Math.max(peakActive, active)
      slot.thread.postMessage({ type: 'load', id: job.id, item: job.item } satisfies ToThread)
    }
  }

  idle.push(await startThread())
  return {
    load(job) {
      queue.push(job)
      void dispatch()
    },
    counts: () => ({ active, peakActive, peakThreads }),
  }
}

// Loads on the worker process's own event loop: up to `concurrency` recordings in flight, interleaved at their
// awaits. For loaders whose reads do not block the thread (local files; NWB read by the asynchronous HDF5
// tree); a load that blocks (an in-place h5wasm read) holds the others back until it returns.
import { loadOne } from './load-one.js'
import type { LoadJob, Report, Runner, RunnerOptions } from './runner.js'
import { loadSetup } from './setup.js'

/** Imports the setup once in this process, then runs loads here, `concurrency` at a time. */
export async function startLoopRunner(options: RunnerOptions, report: Report): Promise<Runner> {
  const container = await loadSetup(options.setup, options.formats)
  const queue: LoadJob[] = []
  let active = 0
  let peakActive = 0
  const pump = () => {
    while (active < options.concurrency && queue.length > 0) {
      const job = queue.shift()!
      active++
      peakActive = Math.max(peakActive, active)
      void loadOne(job.item, container).then((entry) => {
        active--
        report(job.id, entry)
        pump()
      })
    }
  }
  return {
    load(job) {
      queue.push(job)
      pump()
    },
    counts: () => ({ active, peakActive, peakThreads: 0 }),
  }
}

import { progressLine, renderProgress, type ScanProgress } from '@spikes/scan'
import type { Writable } from '../io.js'

/** Seconds between progress lines when stderr is a log file (a Slurm task's output, a pipe). */
export const LOG_INTERVAL_S = 30

/**
 * Progress of a scan on stderr: on a terminal, one bar redrawn in place (at most 10 times a second); in a log,
 * a plain line at every tenth of the work and at least every LOG_INTERVAL_S seconds, so a long task shows it
 * is alive. `now` is injectable for tests.
 */
export function scanProgressWriter(stderr: Writable, now: () => number = Date.now): { onProgress: (p: ScanProgress) => void; done: () => void } {
  let lastAt = -Infinity
  let lastTenth = -1
  let shown = false
  return {
    onProgress(p) {
      const finished = p.done >= p.total
      if (stderr.isTTY) {
        if (now() - lastAt < 100 && !finished) return
        lastAt = now()
        shown = true
        stderr.write(`\r\x1b[2K${renderProgress(p, stderr.columns ?? 80)}`)
        return
      }
      const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 10
      if (tenth === lastTenth && now() - lastAt < LOG_INTERVAL_S * 1000 && !finished) return
      if (finished && lastTenth === 10) return
      lastTenth = tenth
      lastAt = now()
      stderr.write(`progress: ${progressLine(p)}\n`)
    },
    done() {
      if (shown) stderr.write('\n')
      shown = false
    },
  }
}

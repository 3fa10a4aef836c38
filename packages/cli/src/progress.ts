import type { Progress } from '@spikes/core'
import type { Writable } from './io.js'

/** A one-line progress display on a terminal; silent when stderr is not a TTY. */
export function progressReporter(stderr: Writable): { onProgress?: (p: Progress) => void; done: () => void } {
  if (!stderr.isTTY) return { done: () => {} }
  let last = 0
  let shown = false
  return {
    onProgress(p: Progress) {
      const now = Date.now()
      if (now - last < 100 && !(p.total && p.loaded >= p.total)) return
      last = now
      shown = true
      const amount = p.unit === 'bytes' ? formatBytes(p.loaded) + (p.total ? ` / ${formatBytes(p.total)}` : '') : `${p.loaded}${p.total ? ` / ${p.total}` : ''}${p.unit ? ' ' + p.unit : ''}`
      const pct = p.total ? ` ${Math.floor((100 * p.loaded) / p.total)}%` : ''
      stderr.write(`\r\x1b[2K${p.phase}: ${amount}${pct}`)
    },
    done() {
      if (shown) stderr.write('\r\x1b[2K')
    },
  }
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`
  return `${n} B`
}

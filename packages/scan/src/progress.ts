import type { ScanProgress, ScanSummary } from './scan.js'

/** One progress line for a terminal: a bar, inputs done/total, failures, bytes and the ETA, fitted to `columns`. */
export function renderProgress(p: ScanProgress, columns = 80): string {
  const text = ` ${p.done}/${p.total}  ${p.failed} failed  ${formatBytes(p.bytes)}  ETA ${p.etaSeconds === null ? '?' : formatDuration(p.etaSeconds)}`
  const width = Math.max(10, Math.min(40, columns - text.length - 3))
  const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : width
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${text}`.slice(0, Math.max(1, columns - 1))
}

/** One plain progress line for a log (no bar): done/total with percent, failures, bytes, elapsed time, ETA. */
export function progressLine(p: ScanProgress): string {
  const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100
  return `${p.done}/${p.total} recordings (${percent}%), ${p.failed} failed, ${formatBytes(p.bytes)} read, ${formatDuration(p.elapsedSeconds)} elapsed, ETA ${p.etaSeconds === null ? '?' : formatDuration(p.etaSeconds)}`
}

/** The summary printed at the end of a scan. */
export function formatSummary(s: ScanSummary): string {
  const peak = Math.max(0, ...s.workers.map((w) => w.peakRssBytes))
  const cpu = s.workers.reduce((sum, w) => sum + w.cpuSeconds, 0)
  const lines = [
    `scanned ${s.recordings} recording${s.recordings === 1 ? '' : 's'}${s.shard ? ` (shard ${s.shard.index} of ${s.shard.count})` : ''} in ${formatDuration(s.seconds)}: ${s.ok} ok, ${s.failed} failed${s.resumed ? `, ${s.resumed} already done` : ''}`,
    `${s.units} units; ${formatBytes(s.bytes)} read over the network; ${s.skipped.length} file${s.skipped.length === 1 ? '' : 's'} skipped (no loader recognises them)`,
    `${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}, peak memory ${formatBytes(peak)} per worker, ${formatDuration(cpu)} of CPU in all`,
    `tables: ${s.folder}/recordings.parquet, ${s.folder}/units.parquet`,
  ]
  return lines.join('\n') + '\n'
}

/** Bytes in decimal units for people: `512 B`, `1.5 kB`, `3.4 MB`, `1.21 GB`. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

/** Seconds for people: `4.2 s`, `3 min 20 s`, `2 h 5 min`; `?` when not finite. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} min ${Math.round(seconds - m * 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

import type { SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { warningLines } from './warnings-display.js'

/** What `spikes inspect` reports about a loaded input; `--json` prints it as is. */
export interface Summary {
  /** Loader id. */
  format: string
  /** Why that loader was chosen. */
  reason: string
  N: number
  totalSpikes: number
  lengthMs: number
  startTimeMs: number
  /** Mean and median over units of each unit's rate over lengthMs (0 without units). */
  meanRateHz: number
  medianRateHz: number
  /** The SpikeData's metadata as JSON-safe values. */
  metadata: unknown
  warnings: { code: string; message: string }[]
}

/** The {@link Summary} of `sd`, loaded by loader `format` for `reason`. */
export function summarize(sd: SpikeData, format: string, reason: string): Summary {
  const rates = sd.ratesHz()
  return {
    format,
    reason,
    N: sd.N,
    totalSpikes: sd.totalSpikes,
    lengthMs: sd.lengthMs,
    startTimeMs: sd.startTimeMs,
    meanRateHz: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
    medianRateHz: median(rates),
    metadata: toJsonValue(sd.metadata),
    warnings: sd.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const KEY_METADATA = ['identifier', 'session_description', 'session_start_time', 'nwb_version', 'fs_Hz', 'sampling_rate_hz', 'subject_id', 'species', 'source_file', 'source_folder']

/** The human-readable summary printed by `spikes inspect`. */
export function formatSummary(s: Summary, inputName: string): string {
  const lines: string[] = []
  lines.push(`${inputName}`)
  lines.push(`  format       ${s.format} (${s.reason})`)
  lines.push(`  units        ${s.N.toLocaleString('en-US')}`)
  lines.push(`  spikes       ${s.totalSpikes.toLocaleString('en-US')}`)
  lines.push(`  duration     ${formatDuration(s.lengthMs)}${s.startTimeMs ? ` (starting at ${s.startTimeMs} ms)` : ''}`)
  lines.push(`  firing rate  mean ${s.meanRateHz.toFixed(2)} Hz, median ${s.medianRateHz.toFixed(2)} Hz`)
  const md = (s.metadata ?? {}) as Record<string, unknown>
  const shown = KEY_METADATA.filter((k) => md[k] !== undefined && md[k] !== null && md[k] !== '')
  const subject = md.subject && typeof md.subject === 'object' ? (md.subject as Record<string, unknown>) : undefined
  for (const k of shown) lines.push(`  ${label(k)}${short(md[k])}`)
  if (subject) lines.push(`  subject      ${short(Object.entries(subject).filter(([, v]) => v != null && v !== '').map(([k, v]) => `${k}=${v}`).join(', '))}`)
  const others = Object.keys(md).filter((k) => !shown.includes(k) && k !== 'provenance' && k !== 'subject')
  if (others.length) lines.push(`  metadata     ${short(others.join(', '), 100)}`)
  const provenance = md.provenance as { requests?: unknown; bytes_fetched?: unknown } | undefined
  if (typeof provenance?.requests === 'number' && typeof provenance.bytes_fetched === 'number') {
    lines.push(`  fetched      ${formatBytes(provenance.bytes_fetched)} in ${provenance.requests.toLocaleString('en-US')} request${provenance.requests === 1 ? '' : 's'}`)
  }
  lines.push(`  warnings     ${s.warnings.length ? s.warnings.length : 'none'}`)
  lines.push(...warningLines(s.warnings, (w) => `    [${w.code}] ${w.message}`))
  return lines.join('\n') + '\n'
}

/** Keys padded into the summary's label column; long keys get one space. */
function label(key: string): string {
  return key.length < 13 ? key.padEnd(13) : key + ' '
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(2)} h (${(ms / 1000).toFixed(1)} s)`
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(2)} min (${(ms / 1000).toFixed(1)} s)`
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)} s`
  return `${ms} ms`
}

function short(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`
}

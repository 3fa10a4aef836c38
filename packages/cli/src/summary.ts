import type { SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { formatDuration, formatSeconds } from '@spikes/core/figures'
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
  /** First and last spike time in ms (null without spikes): rates are over the whole window, not this span. */
  firstSpikeMs: number | null
  lastSpikeMs: number | null
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
    ...spikeSpan(sd),
    meanRateHz: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
    medianRateHz: median(rates),
    metadata: toJsonValue(sd.metadata),
    warnings: sd.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
}

function spikeSpan(sd: SpikeData): { firstSpikeMs: number | null; lastSpikeMs: number | null } {
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < sd.N; i++) {
    const t = sd.train(i)
    if (!t.length) continue
    if (t[0] < first) first = t[0]
    if (t[t.length - 1] > last) last = t[t.length - 1]
  }
  return Number.isFinite(first) ? { firstSpikeMs: first, lastSpikeMs: last } : { firstSpikeMs: null, lastSpikeMs: null }
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
  lines.push(`  duration     ${formatDuration(s.lengthMs)}${s.startTimeMs ? ` (from ${formatSeconds(s.startTimeMs)} to ${formatSeconds(s.startTimeMs + s.lengthMs)})` : ''}`)
  const span = spanLine(s)
  if (span) lines.push(`  spike times  ${span}`)
  if (s.N === 0) lines.push('  firing rate  none (no units)')
  else if (s.lengthMs === 0) lines.push('  firing rate  none (the recording has no length)')
  else lines.push(`  firing rate  mean ${s.meanRateHz.toFixed(2)} Hz, median ${s.medianRateHz.toFixed(2)} Hz${span ? ` (over the whole ${formatDuration(s.lengthMs)})` : ''}`)
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

/**
 * The spikes' own span when it leaves more than 1% of the recording's window (or a second) empty at
 * either end: rates are over the window, so a late first spike explains low rates.
 */
function spanLine(s: Summary): string | undefined {
  if (s.firstSpikeMs === null || s.lastSpikeMs === null || s.lengthMs <= 0) return undefined
  const slack = Math.max(1000, s.lengthMs / 100)
  const end = s.startTimeMs + s.lengthMs
  if (s.firstSpikeMs - s.startTimeMs <= slack && end - s.lastSpikeMs <= slack) return undefined
  return `${formatSeconds(s.firstSpikeMs)} to ${formatSeconds(s.lastSpikeMs)}, inside the recording's ${formatSeconds(s.startTimeMs)} to ${formatSeconds(end)}`
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

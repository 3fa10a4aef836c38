import type { SpikeData } from '@spikes/core'
import { ISI_VIOLATION_MS, type RecordingRow, type UnitRow } from './columns.js'

/** A unit's attributes (SpikeData.neuronAttributes[i]). */
export type Attributes = Record<string, unknown>

/** Transfer counters of one load: network bytes and requests (null for local inputs, which cross no network). */
export interface Transfer {
  bytes: number | null
  requests: number | null
}

/** The recordings.parquet row and units.parquet rows of one loaded recording. */
export function summarize(source: string, data: SpikeData, transfer: Transfer, seconds: number): { recording: RecordingRow; units: UnitRow[] } {
  const durationS = data.lengthMs / 1000
  const units: UnitRow[] = []
  let total = 0
  for (let i = 0; i < data.N; i++) {
    const row = unitRow(source, i, data.times.subarray(data.offsets[i], data.offsets[i + 1]), durationS, data.neuronAttributes?.[i] ?? null)
    total += row.n_spikes
    units.push(row)
  }
  const provenance = (data.metadata.provenance ?? {}) as Attributes
  const recording: RecordingRow = {
    source,
    format: typeof provenance.format === 'string' ? provenance.format : null,
    status: 'ok',
    error_code: null,
    error_message: null,
    n_units: data.N,
    n_spikes: total,
    duration_s: durationS,
    start_time_s: data.startTimeMs / 1000,
    mean_rate_hz: data.N > 0 && durationS > 0 ? total / data.N / durationS : null,
    bytes_read: transfer.bytes,
    requests: transfer.requests,
    seconds,
  }
  return { recording, units }
}

/** The row of a recording that failed: its error's code and message, every measure null. */
export function errorRow(source: string, code: string, message: string, seconds: number, format: string | null = null): RecordingRow {
  return {
    source, format, status: 'error', error_code: code, error_message: message,
    n_units: null, n_spikes: null, duration_s: null, start_time_s: null, mean_rate_hz: null, bytes_read: null, requests: null, seconds,
  }
}

/** Per-unit measures over one train (times in ms, sorted), plus what the unit's attributes say about place and curation. */
export function unitRow(source: string, index: number, train: Float64Array, durationS: number, attrs: Attributes | null): UnitRow {
  const n = train.length
  let violations = 0
  let sum = 0
  let sumSq = 0
  for (let k = 1; k < n; k++) {
    const isi = train[k] - train[k - 1]
    if (isi < ISI_VIOLATION_MS) violations++
    sum += isi
    sumSq += isi * isi
  }
  const isis = n - 1
  const mean = isis > 0 ? sum / isis : 0
  const variance = isis > 0 ? Math.max(0, sumSq / isis - mean * mean) : 0
  // One lower-case index of the unit's attribute names for every lookup below (not one per lookup).
  const found = attributeLookup(attrs)
  const position = positionOf(found)
  return {
    source,
    unit_index: index,
    unit_id: textOf(found(['unit_id', 'cluster_id', 'id', 'unit_name'])),
    n_spikes: n,
    rate_hz: durationS > 0 ? n / durationS : null,
    first_spike_s: n > 0 ? train[0] / 1000 : null,
    last_spike_s: n > 0 ? train[n - 1] / 1000 : null,
    isi_violation_fraction: isis > 0 ? violations / isis : null,
    // Population SD over mean of the ISIs; undefined for fewer than two ISIs or a zero mean.
    isi_cv: isis >= 2 && mean > 0 ? Math.sqrt(variance) / mean : null,
    electrode: integerOf(found(['electrode', 'channel', 'ch', 'peak_channel', 'max_channel', 'channel_index', 'electrodes'])),
    x_um: position[0],
    y_um: position[1],
    z_um: position[2],
    region: textOf(found(['region', 'brain_region', 'location_label', 'acronym', 'brain_area', 'location'])),
    quality: qualityOf(found),
  }
}

/** Finds the first present value among `keys` (case-insensitive) in a unit's attributes. */
type Lookup = (keys: readonly string[]) => unknown

function attributeLookup(attrs: Attributes | null): Lookup {
  if (!attrs) return () => undefined
  const lower = new Map(Object.keys(attrs).map((k) => [k.toLowerCase(), k]))
  return (keys) => {
    for (const key of keys) {
      const name = lower.get(key.toLowerCase())
      if (name !== undefined && attrs[name] !== null && attrs[name] !== undefined) return attrs[name]
    }
    return undefined
  }
}

/** x, y, z in µm from `x`/`y`/`z` (or `x_um`...) or a `position`/`location`/`mlapdv` array. */
function positionOf(found: Lookup): [number | null, number | null, number | null] {
  const fromArray = found(['position', 'location', 'xyz', 'mlapdv', 'coordinates'])
  const array = Array.isArray(fromArray) || ArrayBuffer.isView(fromArray) ? Array.from(fromArray as ArrayLike<unknown>) : null
  const axis = (i: number, name: string) => numberOf(found([`${name}_um`, name])) ?? (array ? numberOf(array[i]) : null)
  return [axis(0, 'x'), axis(1, 'y'), axis(2, 'z')]
}

/**
 * The unit's curation: `quality`, else the curated label (Phy's `group` / the kilosort loader's `label`) before
 * Kilosort's automatic `KSLabel`, which a curation overrides. `group` counts only as text: NWB Units tables
 * (pynapple's) use it for the shank number.
 */
function qualityOf(found: Lookup): string | null {
  const group = found(['group'])
  return textOf(found(['quality'])) ?? (typeof group === 'string' ? textOf(group) : null) ?? textOf(found(['label', 'KSLabel']))
}

function numberOf(value: unknown): number | null {
  const v = typeof value === 'bigint' ? Number(value) : value
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

function integerOf(value: unknown): number | null {
  const first = Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>)[0] : value
  const n = typeof first === 'string' && /^-?\d+$/.test(first.trim()) ? Number(first) : numberOf(first)
  return n !== null && Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1 ? n : null
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value.length > 0 ? value : null
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  return null
}

import { InvalidArgumentError, InvalidDataError } from './errors.js'
import { isNumericArray, type NumericArray } from './numeric.js'
import { layoutFromIdcesTimes, layoutFromTrains } from './train-layout.js'
import { rasterCounts, type Raster } from './raster.js'
import { mergeByTime } from './merge-by-time.js'
import { takeVouchedTrains } from './checked-times.js'
import { lowerBound } from './lower-bound.js'
import type { SpikesWarning } from './warnings.js'

/** A free-form record: `metadata`, and one per unit in `neuronAttributes` (SpikeLab's dicts). */
export type Attributes = Record<string, unknown>

/** Raw traces, C order, the last axis is time (SpikeLab: channels x samples). */
export interface RawData {
  readonly data: NumericArray
  readonly shape: readonly number[]
}

/** Everything a SpikeData holds besides its spike times; all optional. */
export interface SpikeDataOptions {
  /** Number of units; pads with empty trains when larger than the number given. */
  N?: number
  /** Recording length in ms; default the latest spike minus startTimeMs (0 without spikes). */
  lengthMs?: number
  /** Start of the recording in ms (default 0); every spike must lie in [startTimeMs, startTimeMs + lengthMs]. */
  startTimeMs?: number
  /** One record per unit (exactly N), or null. The records are shallow-copied. */
  neuronAttributes?: Attributes[] | null
  /** A plain object, shallow-copied (default {}). */
  metadata?: Attributes
  /** Raw traces; needs rawTimeMs as well (both or neither). */
  rawData?: RawData | null
  /** Sample times in ms, or a single number: the sample rate in kHz (SpikeLab's raw_time). */
  rawTimeMs?: ArrayLike<number> | number | null
  warnings?: SpikesWarning[]
}

/** Arguments of the SpikeData constructor: the flat layout (`times`, `offsets`) plus the options. */
export interface SpikeDataInit extends SpikeDataOptions {
  /** All spike times (ms), unit by unit. The new SpikeData owns this array. */
  times: Float64Array
  /** Train i is times[offsets[i] .. offsets[i + 1]); length = trains + 1. */
  offsets: ArrayLike<number>
}

/**
 * Spike trains of N units in milliseconds, stored flat. Construction checks every invariant of
 * SpikeLab's constructor once; afterwards the value is immutable and trains are zero-copy views.
 */
export class SpikeData {
  readonly N: number
  readonly lengthMs: number
  readonly startTimeMs: number
  readonly times: Float64Array
  readonly offsets: Float64Array
  readonly neuronAttributes: Attributes[] | null
  readonly metadata: Attributes
  readonly rawData: RawData | null
  readonly rawTimeMs: Float64Array | null
  /** Warnings raised while this value was loaded. */
  readonly warnings: readonly SpikesWarning[]

  constructor(init: SpikeDataInit) {
    if (init == null || typeof init !== 'object') throw new InvalidArgumentError('init', init, 'an object { times, offsets, ... }')
    const { times } = init
    if (!(times instanceof Float64Array)) throw new InvalidArgumentError('times', times, 'a Float64Array of spike times in ms')
    const given = init.offsets
    if (given == null || typeof given.length !== 'number' || given.length < 1) throw new InvalidArgumentError('offsets', given, 'an array of trains + 1 offsets starting at 0')
    const trains = given.length - 1
    const N = init.N ?? trains
    if (!Number.isInteger(N) || N < 0) throw new InvalidArgumentError('N', init.N, 'a non-negative integer')
    if (N < trains) throw new InvalidArgumentError('N', N, `at least the number of trains given (${trains})`)
    const offsets = new Float64Array(N + 1)
    for (let i = 0; i <= trains; i++) offsets[i] = given[i]
    offsets.fill(offsets[trains], trains + 1)
    if (offsets[0] !== 0 || offsets[N] !== times.length) throw new InvalidArgumentError('offsets', `[${offsets[0]} .. ${offsets[N]}]`, `offsets from 0 to times.length (${times.length})`)

    const startTimeMs = init.startTimeMs ?? 0
    if (typeof startTimeMs !== 'number' || !Number.isFinite(startTimeMs)) throw new InvalidArgumentError('startTimeMs', init.startTimeMs, 'a finite number of milliseconds')

    let maxSpike = startTimeMs
    let any = false
    // Trains a loader vouched for (vouchSortedTrains) are checked at their ends only: a non-decreasing train is finite throughout when both ends are.
    const vouched = takeVouchedTrains(times)
    for (let i = 0; i < N; i++) {
      const a = offsets[i]
      const b = offsets[i + 1]
      if (!(b >= a) || !Number.isInteger(b) || b > times.length) throw new InvalidArgumentError('offsets', `offsets[${i + 1}] = ${b}`, `non-decreasing integers up to times.length (${times.length})`)
      if (b === a) continue
      if (!(vouched && Number.isFinite(times[a]) && Number.isFinite(times[b - 1])) && !sortAndCheck(times, a, b, i)) continue
      any = true
      if (times[b - 1] > maxSpike) maxSpike = times[b - 1]
    }
    let lengthMs = init.lengthMs
    if (lengthMs === undefined || lengthMs === null) lengthMs = any ? maxSpike - startTimeMs : 0
    if (typeof lengthMs !== 'number' || Number.isNaN(lengthMs) || lengthMs < 0 || !Number.isFinite(lengthMs)) {
      throw new InvalidArgumentError('lengthMs', lengthMs, 'a finite, non-negative number of milliseconds')
    }
    const endTime = startTimeMs + lengthMs
    for (let i = 0; i < N; i++) {
      const a = offsets[i]
      const b = offsets[i + 1]
      if (b === a) continue
      // Units are named by index and, where the loader gave one, by their id in the file (a cluster id, a label).
      const id = (init.neuronAttributes as Attributes[] | null | undefined)?.[i]?.unit_id
      const unit = `Unit ${i}${id === undefined ? '' : ` (unit_id ${id})`}`
      if (times[a] < startTimeMs) {
        throw new InvalidDataError(`${unit}: spike time ${times[a]} ms is before startTimeMs (${startTimeMs}). Spike times must fall within [${startTimeMs}, ${endTime}].`, { unit: i, time: times[a], startTimeMs, endTimeMs: endTime })
      }
      if (times[b - 1] > endTime) {
        throw new InvalidDataError(
          `${unit}: spike time ${times[b - 1]} ms exceeds the end of the time window (${endTime} ms). Pass a larger lengthMs, or subtract the start time if the times are absolute.`,
          { unit: i, time: times[b - 1], startTimeMs, endTimeMs: endTime },
        )
      }
    }

    const { rawData, rawTimeMs } = checkRaw(init.rawData ?? null, init.rawTimeMs ?? null)
    const neuronAttributes = init.neuronAttributes ?? null
    if (neuronAttributes !== null) {
      if (!Array.isArray(neuronAttributes)) throw new InvalidArgumentError('neuronAttributes', neuronAttributes, 'an array of N records or null')
      if (neuronAttributes.length !== N) throw new InvalidArgumentError('neuronAttributes', `${neuronAttributes.length} items`, `${N} items, one per unit`)
    }
    const metadata = init.metadata ?? {}
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new InvalidArgumentError('metadata', metadata, 'a plain object')

    this.N = N
    this.lengthMs = lengthMs
    this.startTimeMs = startTimeMs
    this.times = times
    this.offsets = offsets
    this.neuronAttributes = neuronAttributes ? neuronAttributes.map((a) => ({ ...a })) : null
    this.metadata = { ...metadata }
    this.rawData = rawData
    this.rawTimeMs = rawTimeMs
    this.warnings = init.warnings ? [...init.warnings] : []
  }

  /** From one array of spike times (ms) per unit. Copies the data. */
  static fromTrains(trains: ArrayLike<ArrayLike<number>>, options: SpikeDataOptions = {}): SpikeData {
    return new SpikeData({ ...layoutFromTrains(trains), ...options })
  }

  /** From matched arrays of unit indices and spike times (ms); N defaults to max index + 1. */
  static fromIdcesTimes(idces: ArrayLike<number>, times: ArrayLike<number>, options: SpikeDataOptions = {}): SpikeData {
    const layout = layoutFromIdcesTimes(idces, times, options.N)
    const lengthMs = options.lengthMs ?? (idces.length === 0 ? 0 : undefined)
    return new SpikeData({ ...options, ...layout, lengthMs })
  }

  /** From (unit index, time) pairs. */
  static fromEvents(events: Iterable<readonly [number, number]>, options: SpikeDataOptions = {}): SpikeData {
    const idces: number[] = []
    const times: number[] = []
    for (const [i, t] of events) {
      idces.push(i)
      times.push(t)
    }
    return SpikeData.fromIdcesTimes(idces, times, options)
  }

  /**
   * From an N x T count matrix (row-major `counts`, or one array per unit). Counts are truncated
   * to integers; n spikes in a bin are spread evenly inside it as SpikeLab does:
   * (start + t·bin) + linspace(0, bin, n + 2)[1:-1]. Length defaults to T·bin.
   */
  static fromRaster(raster: Raster | ArrayLike<ArrayLike<number>>, binMs: number, options: SpikeDataOptions = {}): SpikeData {
    if (!(typeof binMs === 'number' && binMs > 0 && Number.isFinite(binMs))) throw new InvalidArgumentError('binMs', binMs, 'a positive number of milliseconds')
    const { counts, units, bins } = toDenseRaster(raster)
    const start = options.startTimeMs ?? 0
    const offsets = new Float64Array(units + 1)
    for (let i = 0; i < units; i++) {
      let total = offsets[i]
      for (let t = 0; t < bins; t++) {
        const c = Math.trunc(counts[i * bins + t])
        if (!(c >= 0 && c < Infinity)) throw new InvalidDataError(`Raster count at unit ${i}, bin ${t} is ${counts[i * bins + t]}; counts must be finite and non-negative.`, { unit: i, bin: t, value: String(counts[i * bins + t]) })
        total += c
      }
      offsets[i + 1] = total
    }
    const times = new Float64Array(offsets[units])
    let k = 0
    for (let i = 0; i < units; i++) {
      for (let t = 0; t < bins; t++) {
        const n = Math.trunc(counts[i * bins + t])
        if (n === 0) continue
        const base = start + t * binMs
        const step = binMs / (n + 1)
        for (let j = 1; j <= n; j++) times[k++] = base + j * step
      }
    }
    return new SpikeData({ lengthMs: bins * binMs, ...options, times, offsets })
  }

  /** Zero-copy view of unit i's spike times. */
  train(i: number): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.N) throw new InvalidArgumentError('unit', i, `an integer in [0, ${this.N - 1}]`)
    return this.times.subarray(this.offsets[i], this.offsets[i + 1])
  }

  /** All trains as zero-copy views. */
  get trains(): Float64Array[] {
    const out: Float64Array[] = new Array(this.N)
    for (let i = 0; i < this.N; i++) out[i] = this.times.subarray(this.offsets[i], this.offsets[i + 1])
    return out
  }

  get totalSpikes(): number {
    return this.times.length
  }

  /** Number of spikes of each unit. */
  spikeCounts(): number[] {
    const out = new Array<number>(this.N)
    for (let i = 0; i < this.N; i++) out[i] = this.offsets[i + 1] - this.offsets[i]
    return out
  }

  /** Mean firing rate of each unit over lengthMs, in Hz (0 when the length is 0). */
  ratesHz(): number[] {
    return this.spikeCounts().map((c) => (this.lengthMs === 0 ? 0 : (c / this.lengthMs) * 1e3))
  }

  /** Every spike as (unit index, time), in time order; ties keep unit order. */
  idcesTimes(): { idces: Uint32Array; times: Float64Array } {
    return mergeByTime(this.times, this.offsets, this.N)
  }

  /** Dense N x T count matrix; bins are (start + k·bin, start + (k+1)·bin], a spike at start counts in bin 0. */
  raster(binMs: number): Raster {
    return rasterCounts(this, binMs)
  }

  /**
   * Units by index (or by a neuron attribute with `by`). Like SpikeLab the list is a set: units keep
   * their original order. Raw data stays on the original.
   */
  subset(units: readonly (number | string)[] | number, options: { by?: string } = {}): SpikeData {
    if (!Array.isArray(units) && typeof units !== 'number') throw new InvalidArgumentError('units', units, 'a unit index or an array of them')
    const wanted = new Set(typeof units === 'number' ? [units] : units)
    let keep: number[]
    if (options.by !== undefined) {
      if (!this.neuronAttributes) throw new InvalidArgumentError('by', options.by, 'a neuron attribute key; this SpikeData has no neuronAttributes')
      const key = options.by
      keep = []
      for (let i = 0; i < this.N; i++) if (key in this.neuronAttributes[i] && wanted.has(this.neuronAttributes[i][key] as number)) keep.push(i)
    } else {
      for (const u of wanted) {
        if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u >= this.N) throw new InvalidArgumentError('units', u, `unit indices in [0, ${this.N - 1}]`)
      }
      keep = [...wanted].map(Number).sort((a, b) => a - b)
    }
    const offsets = new Float64Array(keep.length + 1)
    keep.forEach((u, j) => (offsets[j + 1] = offsets[j] + this.offsets[u + 1] - this.offsets[u]))
    const times = new Float64Array(offsets[keep.length])
    keep.forEach((u, j) => times.set(this.times.subarray(this.offsets[u], this.offsets[u + 1]), offsets[j]))
    return new SpikeData({
      times,
      offsets,
      lengthMs: this.lengthMs,
      startTimeMs: this.startTimeMs,
      neuronAttributes: this.neuronAttributes && keep.length ? keep.map((u) => this.neuronAttributes![u]) : null,
      metadata: this.metadata,
    })
  }

  /**
   * Spikes in [start, end), shifted so that `shiftTo` (default start) becomes 0. As SpikeLab: for data
   * starting at or after 0, negative bounds count back from the end; null means "to the edge".
   */
  subtime(start: number | null, end: number | null, options: { shiftTo?: number } = {}): SpikeData {
    const endTime = this.startTimeMs + this.lengthMs
    let s = start ?? this.startTimeMs
    let e = end ?? endTime
    if (typeof s !== 'number' || Number.isNaN(s)) throw new InvalidArgumentError('start', start, 'a number of ms or null')
    if (typeof e !== 'number' || Number.isNaN(e)) throw new InvalidArgumentError('end', end, 'a number of ms or null')
    if (start !== null && s < 0 && this.startTimeMs >= 0) {
      s += endTime
      if (s < this.startTimeMs) throw new InvalidArgumentError('start', start, `at least -${this.lengthMs} (the recording length)`)
    } else if (s > endTime) throw new InvalidArgumentError('start', start, `at most the recording end (${endTime} ms)`)
    if (end !== null && e < 0 && this.startTimeMs >= 0) e += endTime
    else if (e > endTime) throw new InvalidArgumentError('end', end, `at most the recording end (${endTime} ms)`)
    if (s >= e) throw new InvalidArgumentError('end', end, `a time after start (${s} ms)`)
    const shift = options.shiftTo ?? s
    const offsets = new Float64Array(this.N + 1)
    const ranges: [number, number][] = []
    for (let i = 0; i < this.N; i++) {
      const t = this.train(i)
      const a = lowerBound(t, s)
      const b = lowerBound(t, e)
      ranges.push([this.offsets[i] + a, this.offsets[i] + b])
      offsets[i + 1] = offsets[i] + (b - a)
    }
    const times = new Float64Array(offsets[this.N])
    let k = 0
    for (const [a, b] of ranges) for (let j = a; j < b; j++) times[k++] = this.times[j] - shift
    let rawData: RawData | null = null
    let rawTimeMs: Float64Array | null = null
    if (this.rawData && this.rawTimeMs) {
      const keep: number[] = []
      this.rawTimeMs.forEach((t, j) => {
        if (t >= s && t < e) keep.push(j)
      })
      const samples = this.rawTimeMs.length
      const rows = this.rawData.data.length / Math.max(samples, 1)
      const data = new (this.rawData.data.constructor as { new (n: number): NumericArray })(rows * keep.length)
      for (let r = 0; r < rows; r++) keep.forEach((j, c) => (data[r * keep.length + c] = this.rawData!.data[r * samples + j]))
      rawData = { data, shape: [...this.rawData.shape.slice(0, -1), keep.length] }
      rawTimeMs = Float64Array.from(keep, (j) => this.rawTimeMs![j] - shift)
    }
    return new SpikeData({ times, offsets, lengthMs: e - s, startTimeMs: s - shift, neuronAttributes: this.neuronAttributes, metadata: this.metadata, rawData, rawTimeMs })
  }

  /** The same value with extra warnings or metadata; trains are shared, not copied. */
  with(changes: { metadata?: Attributes; warnings?: readonly SpikesWarning[]; neuronAttributes?: Attributes[] | null }): SpikeData {
    const copy = Object.create(SpikeData.prototype) as SpikeData
    Object.assign(copy, this, {
      metadata: changes.metadata ? { ...changes.metadata } : this.metadata,
      warnings: changes.warnings ? [...changes.warnings] : this.warnings,
      neuronAttributes: changes.neuronAttributes !== undefined ? changes.neuronAttributes : this.neuronAttributes,
    })
    if (copy.neuronAttributes && copy.neuronAttributes.length !== copy.N) throw new InvalidArgumentError('neuronAttributes', `${copy.neuronAttributes.length} items`, `${copy.N} items`)
    return copy
  }
}

/** Sorts the range in place if needed; throws on NaN or infinite times. Returns false for an empty range. */
function sortAndCheck(times: Float64Array, a: number, b: number, unit: number): boolean {
  let sorted = true
  let prev = -Infinity
  for (let k = a; k < b; k++) {
    const t = times[k]
    if (!Number.isFinite(t)) throw new InvalidDataError(`Spike times for unit ${unit} contain ${t} (position ${k - a}); spike times must be finite numbers.`, { unit, position: k - a, value: String(t) })
    if (t < prev) sorted = false
    prev = t
  }
  if (!sorted) times.subarray(a, b).sort()
  return true
}

function toDenseRaster(raster: Raster | ArrayLike<ArrayLike<number>>): { counts: ArrayLike<number>; units: number; bins: number } {
  if (raster && typeof raster === 'object' && 'counts' in raster && isNumericArray((raster as Raster).counts)) {
    const r = raster as Raster
    if (r.counts.length !== r.units * r.bins) throw new InvalidArgumentError('raster', `${r.counts.length} counts`, `units x bins = ${r.units * r.bins} counts`)
    return r
  }
  const rows = raster as ArrayLike<ArrayLike<number>>
  if (rows == null || typeof rows.length !== 'number') throw new InvalidArgumentError('raster', raster, 'an N x T count matrix')
  const units = rows.length
  const bins = units ? rows[0].length : 0
  const counts = new Float64Array(units * bins)
  for (let i = 0; i < units; i++) {
    if (rows[i]?.length !== bins) throw new InvalidArgumentError('raster', `row ${i} of length ${rows[i]?.length}`, `rows of equal length ${bins}`)
    for (let t = 0; t < bins; t++) counts[i * bins + t] = Number(rows[i][t])
  }
  return { counts, units, bins }
}

function checkRaw(rawData: RawData | null, rawTime: ArrayLike<number> | number | null): { rawData: RawData | null; rawTimeMs: Float64Array | null } {
  if (rawData === null && rawTime === null) return { rawData: null, rawTimeMs: null }
  if (rawData === null || rawTime === null) throw new InvalidArgumentError(rawData === null ? 'rawData' : 'rawTimeMs', null, 'both rawData and rawTimeMs, or neither')
  if (!rawData || !isNumericArray(rawData.data) || !Array.isArray(rawData.shape)) throw new InvalidArgumentError('rawData', rawData, '{ data: a typed array, shape: number[] } (channels x samples)')
  const size = rawData.shape.reduce((a, b) => a * b, 1)
  if (rawData.shape.some((d) => !Number.isInteger(d) || d < 0) || size !== rawData.data.length) {
    throw new InvalidArgumentError('rawData', `shape [${rawData.shape.join(', ')}] with ${rawData.data.length} values`, 'a shape whose product equals the number of values')
  }
  const samples = rawData.shape.length ? rawData.shape[rawData.shape.length - 1] : 1
  let rawTimeMs: Float64Array
  if (typeof rawTime === 'number') {
    if (!(rawTime > 0 && Number.isFinite(rawTime))) throw new InvalidArgumentError('rawTimeMs', rawTime, 'sample times in ms, or a positive sample rate in kHz')
    rawTimeMs = new Float64Array(samples)
    for (let j = 0; j < samples; j++) rawTimeMs[j] = j / rawTime
  } else {
    rawTimeMs = rawTime instanceof Float64Array ? rawTime : Float64Array.from(rawTime)
    if (rawTimeMs.length !== samples) throw new InvalidArgumentError('rawTimeMs', `${rawTimeMs.length} times`, `one time per sample (${samples}); the lengths of rawData and rawTimeMs must match`)
  }
  return { rawData: { data: rawData.data, shape: [...rawData.shape] }, rawTimeMs }
}

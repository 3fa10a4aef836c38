// SpikeLab's SpikeData.from_thresholding: optional Butterworth filtering (forward-backward), a
// per-channel threshold of thresholdSigma x the population standard deviation, rising-edge or
// every-sample detection, and one spike per detection at the centre of its sample bin.
import { InvalidArgumentError, isNumericArray, SpikeData, WarningCollector, type Attributes, type NumericArray, type RawData, type WarningHandler } from '@spikes/core'
import { DEFAULT_THRESHOLD_FILTER, designButterFilter, type ButterFilterDesign, type ButterFilterOptions } from './butter-filter.js'
import { populationStd } from './population-std.js'
import { SosFiltFilt } from './sosfiltfilt.js'

/** Which crossings count: above +threshold ('up'), below -threshold ('down'), or either ('both'). */
export type ThresholdDirection = 'both' | 'up' | 'down'

/** Every ThresholdDirection. */
export const THRESHOLD_DIRECTIONS: readonly ThresholdDirection[] = ['both', 'up', 'down']

/** Warning code raised by fromThresholding when no channel has a detection. */
export const WARN_ZERO_SPIKES = 'SPIKES_WARN_ZERO_SPIKES'

/** Options of fromThresholding, SpikeLab's from_thresholding arguments in lowerCamelCase. */
export interface ThresholdingOptions {
  /** Sampling rate in Hz (default 20000). */
  fsHz?: number
  /** Threshold in units of each channel's population standard deviation (default 5). */
  thresholdSigma?: number
  /**
   * true (default): Butterworth band-pass 300-6000 Hz, order 3. An object: SpikeLab's butter_filter
   * arguments { lowcut, highcut, order = 5 }. false, null or an empty object: no filtering.
   */
  filter?: boolean | ButterFilterOptions | null
  /** true (default): one spike per upward crossing into the supra-threshold state; false: one per supra-threshold sample. */
  hysteresis?: boolean
  /** Default 'both'. */
  direction?: ThresholdDirection
  /** Recording length; default samples x 1000 / fsHz. */
  lengthMs?: number | null
  /** Time of sample 0; default 0. Spike times are offset by it (raw sample times are not, as in SpikeLab). */
  startTimeMs?: number | null
  /** Metadata of the result. */
  metadata?: Attributes
  /** Receives the zero-spikes warning as it is raised. */
  onWarning?: WarningHandler
  /** Called after each channel; throw from it to abort. */
  onChannel?: (done: number, channels: number) => void
  /** Let the filtered traces overwrite `data.data` when it is a Float64Array (saves one full copy). */
  overwrite?: boolean
}

/** Traces in C order, channels x samples. */
export interface TraceMatrix {
  readonly data: NumericArray
  readonly shape: readonly number[]
}

/** Checked options with defaults filled in and the filter designed (null: no filtering). */
export interface ResolvedThresholding {
  fsHz: number
  thresholdSigma: number
  filter: ButterFilterDesign | null
  hysteresis: boolean
  direction: ThresholdDirection
  lengthMs: number | null
  startTimeMs: number
}

/** Validates every option (before any data is touched) and designs the filter. */
export function resolveThresholdingOptions(options: ThresholdingOptions = {}): ResolvedThresholding {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object')
  const fsHz = options.fsHz ?? 20e3
  if (typeof fsHz !== 'number' || !(fsHz > 0) || !Number.isFinite(fsHz)) throw new InvalidArgumentError('fsHz', fsHz, 'a positive, finite sampling rate in Hz')
  const thresholdSigma = options.thresholdSigma ?? 5.0
  // Zero or a negative multiple would mark nearly every sample as a crossing.
  if (typeof thresholdSigma !== 'number' || !(thresholdSigma > 0 && thresholdSigma < Infinity)) throw new InvalidArgumentError('thresholdSigma', thresholdSigma, 'a positive, finite number of standard deviations')
  const hysteresis = options.hysteresis ?? true
  if (typeof hysteresis !== 'boolean') throw new InvalidArgumentError('hysteresis', hysteresis, 'true or false')
  const direction = options.direction ?? 'both'
  if (!THRESHOLD_DIRECTIONS.includes(direction)) throw new InvalidArgumentError('direction', direction, "'both', 'up' or 'down'")
  const lengthMs = options.lengthMs ?? null
  if (lengthMs !== null && (typeof lengthMs !== 'number' || !(lengthMs >= 0) || !Number.isFinite(lengthMs))) throw new InvalidArgumentError('lengthMs', lengthMs, 'a finite, non-negative number of milliseconds')
  const startTimeMs = options.startTimeMs ?? 0
  if (typeof startTimeMs !== 'number' || !Number.isFinite(startTimeMs)) throw new InvalidArgumentError('startTimeMs', startTimeMs, 'a finite number of milliseconds')
  const filter = options.filter === undefined ? true : options.filter
  let design: ButterFilterDesign | null = null
  if (filter === true) design = designButterFilter(DEFAULT_THRESHOLD_FILTER, fsHz)
  else if (filter !== false && filter !== null) {
    if (typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidArgumentError('filter', filter, 'true, false, or { lowcut?, highcut?, order? } in Hz')
    // As in SpikeLab, an empty object is falsy: no filtering.
    if (Object.keys(filter).length > 0) design = designButterFilter(filter, fsHz)
  }
  return { fsHz, thresholdSigma, filter: design, hysteresis, direction, lengthMs, startTimeMs }
}

function checkTraces(traces: TraceMatrix): [number, number] {
  if (!traces || typeof traces !== 'object' || !isNumericArray(traces.data) || !Array.isArray(traces.shape)) {
    throw new InvalidArgumentError('data', traces, '{ data: a typed array, shape: [channels, samples] } in C order')
  }
  const { shape } = traces
  if (shape.length !== 2 || shape.some((d) => !Number.isInteger(d) || d < 0) || shape[0] * shape[1] !== traces.data.length) {
    throw new InvalidArgumentError('data', `shape [${shape.join(', ')}] with ${traces.data.length} values`, 'a 2-D [channels, samples] shape whose product is the number of values')
  }
  return [shape[0], shape[1]]
}

/**
 * SpikeData from raw traces by filtering and thresholding (SpikeLab's from_thresholding). `rawData`
 * of the result holds the filtered traces as float64 (the input itself, dtype kept, when filter is
 * off); `rawTimeMs` is sample i at i / (fsHz / 1e3). Zero detections add a SPIKES_WARN_ZERO_SPIKES
 * warning (onWarning and the result's `warnings`).
 */
export function fromThresholding(traces: TraceMatrix, options: ThresholdingOptions = {}): SpikeData {
  const o = resolveThresholdingOptions(options)
  const [channels, samples] = checkTraces(traces)
  const input = traces.data
  const binMs = 1e3 / o.fsHz
  const half = binMs / 2

  let raw: NumericArray = input
  let filter: SosFiltFilt | null = null
  if (o.filter) {
    filter = new SosFiltFilt(o.filter.sos)
    raw = options.overwrite && input instanceof Float64Array ? input : new Float64Array(channels * samples)
  }
  const offsets = new Float64Array(channels + 1)
  let times = new Float64Array(1024)
  let count = 0
  const single = raw instanceof Float32Array
  const sigma = single ? Math.fround(o.thresholdSigma) : o.thresholdSigma
  for (let c = 0; c < channels; c++) {
    const off = c * samples
    if (filter) filter.run(input, raw as Float64Array, samples, off, off)
    const std = populationStd(raw, off, samples)
    const thr = single ? Math.fround(sigma * std) : sigma * std
    // Thresholds outside the test are +-Infinity: one comparison pair serves every direction.
    const high = o.direction === 'down' ? Infinity : thr
    const low = o.direction === 'up' ? -Infinity : -thr
    const everySample = !o.hysteresis
    let prev = false
    for (let k = 0; k < samples; k++) {
      const v = raw[off + k]
      const above = v > high || v < low
      if (above && (everySample || (k > 0 && !prev))) {
        if (count === times.length) {
          const grown = new Float64Array(times.length * 2)
          grown.set(times)
          times = grown
        }
        times[count++] = o.startTimeMs + k * binMs + half
      }
      prev = above
    }
    offsets[c + 1] = count
    options.onChannel?.(c + 1, channels)
  }

  const warnings = new WarningCollector(options.onWarning)
  if (count === 0) {
    warnings.warn(
      WARN_ZERO_SPIKES,
      `fromThresholding: zero spikes detected at thresholdSigma=${o.thresholdSigma}, direction='${o.direction}'. The threshold may be too high for the noise in these traces; lower thresholdSigma or check that the signal has events to detect.`,
      { thresholdSigma: o.thresholdSigma, direction: o.direction, channels, samples },
    )
  }
  const rawData: RawData = { data: raw, shape: [channels, samples] }
  return new SpikeData({
    times: times.slice(0, count),
    offsets,
    lengthMs: o.lengthMs ?? samples * binMs,
    startTimeMs: o.startTimeMs,
    metadata: options.metadata,
    rawData,
    rawTimeMs: o.fsHz / 1e3,
    warnings: warnings.warnings,
  })
}

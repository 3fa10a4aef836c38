// SpikeLab's SpikeData.from_thresholding: optional Butterworth filtering (forward-backward), a
// per-channel threshold of thresholdSigma x the population standard deviation, rising-edge or
// every-sample detection, and one spike per detection at the centre of its sample bin.
import { InvalidArgumentError, isNumericArray, SpikeData, WarningCollector, type NumericArray, type RawData } from '@spikes/core'
import { designFromChoice, type ButterFilterDesign } from './butter-filter.js'
import { checkThresholdingOptions, type CheckedThresholding, type ThresholdingOptions } from './check-thresholding.js'
import { populationStd } from './population-std.js'
import { SosFiltFilt } from './sosfiltfilt.js'

/** Warning code raised by fromThresholding when no channel has a detection. */
export const WARN_ZERO_SPIKES = 'SPIKES_WARN_ZERO_SPIKES'

/** Warning code raised by fromThresholding when NaN or infinite samples leave channels without a finite threshold. */
export const WARN_NONFINITE_TRACES = 'SPIKES_WARN_NONFINITE_TRACES'

/** Traces in C order, channels x samples. */
export interface TraceMatrix {
  readonly data: NumericArray
  readonly shape: readonly number[]
}

/** Checked options with defaults filled in and the filter designed (null: no filtering). */
export interface ResolvedThresholding extends Omit<CheckedThresholding, 'filter'> {
  filter: ButterFilterDesign | null
}

/** Validates every option (before any data is touched) and designs the filter. */
export function resolveThresholdingOptions(options: ThresholdingOptions = {}): ResolvedThresholding {
  const checked = checkThresholdingOptions(options)
  return { ...checked, filter: checked.filter && designFromChoice(checked.filter) }
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
  const nonFinite: number[] = []
  const single = raw instanceof Float32Array
  const sigma = single ? Math.fround(o.thresholdSigma) : o.thresholdSigma
  for (let c = 0; c < channels; c++) {
    const off = c * samples
    if (filter) filter.run(input, raw as Float64Array, samples, off, off)
    const std = populationStd(raw, off, samples)
    if (samples > 0 && !Number.isFinite(std)) nonFinite.push(c)
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
  if (nonFinite.length > 0) warnNonFinite(warnings, nonFinite, channels)
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

/** As numpy: a NaN standard deviation is a NaN threshold that no sample crosses, so those channels stay empty. */
function warnNonFinite(warnings: WarningCollector, nonFinite: number[], channels: number): void {
  const shown = nonFinite.slice(0, 20).join(', ') + (nonFinite.length > 20 ? `, ... (${nonFinite.length} in all)` : '')
  warnings.warn(
    WARN_NONFINITE_TRACES,
    `fromThresholding: channel${nonFinite.length === 1 ? '' : 's'} ${shown} of ${channels} hold NaN or infinite samples, so their standard deviation and threshold are NaN and no spike can be detected there. Replace the non-finite samples (interpolate or zero them) before thresholding.`,
    { channels: nonFinite.slice(0, 1000), nonFiniteChannels: nonFinite.length, totalChannels: channels },
  )
}

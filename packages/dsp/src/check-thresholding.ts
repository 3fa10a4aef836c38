// The options of SpikeLab's from_thresholding and their checks. Light (no filter design, no detection),
// so loaders' option checks import it through '@spikes/dsp/options'.
import { InvalidArgumentError, type Attributes, type WarningHandler } from '@spikes/core'
import { DEFAULT_THRESHOLD_FILTER, chooseButterFilter, type ButterFilterChoice, type ButterFilterOptions } from './filter-choice.js'

/** Which crossings count: above +threshold ('up'), below -threshold ('down'), or either ('both'). */
export type ThresholdDirection = 'both' | 'up' | 'down'

/** Every ThresholdDirection. */
export const THRESHOLD_DIRECTIONS: readonly ThresholdDirection[] = ['both', 'up', 'down']

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

/** Checked options with defaults filled in and the filter chosen (null: no filtering). */
export interface CheckedThresholding {
  fsHz: number
  thresholdSigma: number
  filter: ButterFilterChoice | null
  hysteresis: boolean
  direction: ThresholdDirection
  lengthMs: number | null
  startTimeMs: number
}

/** Validates every option (before any data is touched), the filter against fsHz too, without designing the filter. */
export function checkThresholdingOptions(options: ThresholdingOptions = {}): CheckedThresholding {
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
  let choice: ButterFilterChoice | null = null
  if (filter === true) choice = chooseButterFilter(DEFAULT_THRESHOLD_FILTER, fsHz)
  else if (filter !== false && filter !== null) {
    if (typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidArgumentError('filter', filter, 'true, false, or { lowcut?, highcut?, order? } in Hz')
    // As in SpikeLab, an empty object is falsy: no filtering.
    if (Object.keys(filter).length > 0) choice = chooseButterFilter(filter, fsHz)
  }
  return { fsHz, thresholdSigma, filter: choice, hysteresis, direction, lengthMs, startTimeMs }
}


import { InvalidArgumentError } from '@spikes/core'

/** Default of the `maxBytes` option: traces (plus the float64 copy a filter needs) above 1 GiB are refused. */
export const DEFAULT_MAX_TRACE_BYTES = 1024 * 1024 * 1024

/** Which crossings count, as SpikeLab's `direction`: above +threshold, below -threshold, or either. */
export type RecordingThresholdDirection = 'both' | 'up' | 'down'

/** SpikeLab's butter_filter arguments in Hz (`order` defaults to 5 there). */
export interface RecordingFilterOption {
  lowcut?: number | null
  highcut?: number | null
  order?: number
}

/** Options of the spikeinterface-recording loader: SpikeLab's keyword arguments in lowerCamelCase, plus `maxBytes`. */
export interface SpikeinterfaceRecordingOptions {
  /** Segment of a multi-segment recording (default 0). */
  segmentIndex?: number
  /** Threshold in units of each channel's population standard deviation (default 5). */
  thresholdSigma?: number
  /** Default false (as SpikeLab's recording adapter); true: Butterworth 300-6000 Hz order 3; or { lowcut, highcut, order }. */
  filter?: boolean | RecordingFilterOption | null
  /** One spike per rising edge into the supra-threshold state (default true); false: one per supra-threshold sample. */
  hysteresis?: boolean
  /** 'both' (default), 'up' or 'down'. */
  direction?: RecordingThresholdDirection
  /** Refuse segments whose traces need more memory than this, in bytes (default 1 GiB). */
  maxBytes?: number
}

/** {@link SpikeinterfaceRecordingOptions} after {@link checkSpikeinterfaceRecordingOptions}: shapes checked, maxBytes defaulted. */
export interface CheckedSpikeinterfaceRecordingOptions {
  readonly segmentIndex?: number
  readonly thresholdSigma?: number
  readonly filter?: boolean | RecordingFilterOption | null
  readonly hysteresis?: boolean
  readonly direction?: RecordingThresholdDirection
  readonly maxBytes: number
}

const KNOWN = ['segmentIndex', 'thresholdSigma', 'filter', 'hysteresis', 'direction', 'maxBytes']
const FILTER_KEYS = ['lowcut', 'highcut', 'order']

/**
 * Validates every option before any I/O; throws InvalidArgumentError naming the option. The filter's
 * cutoffs are checked against the Nyquist frequency once binary.json gives the rate, before the traces are read.
 */
export function checkSpikeinterfaceRecordingOptions(options: unknown): CheckedSpikeinterfaceRecordingOptions {
  const given = options ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) throw new InvalidArgumentError('options', options, 'an object of spikeinterface-recording loader options')
  const o = given as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (o[key] !== undefined && !KNOWN.includes(key)) throw new InvalidArgumentError(key, o[key], `one of the spikeinterface-recording loader's options (${KNOWN.join(', ')})`)
  }
  const { segmentIndex, thresholdSigma, filter, hysteresis, direction, maxBytes } = o
  if (segmentIndex !== undefined && (!Number.isSafeInteger(segmentIndex) || (segmentIndex as number) < 0)) {
    throw new InvalidArgumentError('segmentIndex', segmentIndex, 'a non-negative integer segment index')
  }
  if (thresholdSigma !== undefined && (typeof thresholdSigma !== 'number' || !(thresholdSigma > 0) || !Number.isFinite(thresholdSigma))) {
    throw new InvalidArgumentError('thresholdSigma', thresholdSigma, 'a positive, finite number of standard deviations')
  }
  if (hysteresis !== undefined && typeof hysteresis !== 'boolean') throw new InvalidArgumentError('hysteresis', hysteresis, 'true or false')
  if (direction !== undefined && direction !== 'both' && direction !== 'up' && direction !== 'down') throw new InvalidArgumentError('direction', direction, "'both', 'up' or 'down'")
  if (filter !== undefined && filter !== null && typeof filter !== 'boolean') checkFilterShape(filter)
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes <= 0)) {
    throw new InvalidArgumentError('maxBytes', maxBytes, 'a positive integer number of bytes')
  }
  return {
    ...(segmentIndex !== undefined ? { segmentIndex: segmentIndex as number } : {}),
    ...(thresholdSigma !== undefined ? { thresholdSigma: thresholdSigma as number } : {}),
    ...(filter !== undefined ? { filter: filter as CheckedSpikeinterfaceRecordingOptions['filter'] } : {}),
    ...(hysteresis !== undefined ? { hysteresis: hysteresis as boolean } : {}),
    ...(direction !== undefined ? { direction: direction as RecordingThresholdDirection } : {}),
    maxBytes: (maxBytes as number | undefined) ?? DEFAULT_MAX_TRACE_BYTES,
  }
}

/** The filter object's keys and value types (the cutoffs against the rate are checked by core's filter design). */
function checkFilterShape(filter: unknown): void {
  if (typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidArgumentError('filter', filter, 'true, false, or { lowcut?, highcut?, order? } in Hz')
  const f = filter as Record<string, unknown>
  const unknown = Object.keys(f).filter((k) => !FILTER_KEYS.includes(k))
  if (unknown.length) throw new InvalidArgumentError('filter', filter, `only the keys lowcut, highcut and order (unknown: ${unknown.join(', ')})`)
  for (const key of ['lowcut', 'highcut']) {
    const v = f[key]
    if (v !== undefined && v !== null && (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) throw new InvalidArgumentError(`filter.${key}`, v, 'a positive, finite frequency in Hz, or null')
  }
  if (f.order !== undefined && (typeof f.order !== 'number' || !Number.isInteger(f.order) || f.order < 0)) throw new InvalidArgumentError('filter.order', f.order, 'a non-negative integer filter order')
}

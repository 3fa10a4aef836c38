import { byteLimitOption, integerOption } from '@spikes/core/loader-utils'
import { thresholdOptionEntries, type ButterFilterOptions, type ThresholdDirection } from '@spikes/dsp/options'
import { object, type InferInput, type InferOutput } from 'valibot'

/** Default of the `maxBytes` option: traces (plus the float64 copy a filter needs) above 1 GiB are refused. */
export const DEFAULT_MAX_TRACE_BYTES = 1024 * 1024 * 1024

/** Which crossings count, as SpikeLab's `direction`: above +threshold, below -threshold, or either. */
export type RecordingThresholdDirection = ThresholdDirection

/** SpikeLab's butter_filter arguments in Hz (`order` defaults to 5 there). */
export type RecordingFilterOption = ButterFilterOptions

/**
 * The spikeinterface-recording loader's options: SpikeLab's keyword arguments in lowerCamelCase, plus
 * `maxBytes`. The filter's cutoffs are checked against the Nyquist frequency once the rate is read, before the traces.
 */
export const spikeinterfaceRecordingOptions = object({
  segmentIndex: integerOption(undefined, 0, 'a non-negative integer segment index', 'Segment of a multi-segment recording (default 0).'),
  ...thresholdOptionEntries("Default false (as SpikeLab's recording adapter); true: Butterworth 300-6000 Hz order 3; or { lowcut, highcut, order }."),
  maxBytes: byteLimitOption(DEFAULT_MAX_TRACE_BYTES, 'Refuse segments whose traces need more memory than this, in bytes (default 1 GiB).'),
})

/** The options as callers write them. */
export type SpikeinterfaceRecordingOptions = InferInput<typeof spikeinterfaceRecordingOptions>
/** {@link SpikeinterfaceRecordingOptions} after validation: maxBytes defaulted. */
export type CheckedSpikeinterfaceRecordingOptions = InferOutput<typeof spikeinterfaceRecordingOptions>

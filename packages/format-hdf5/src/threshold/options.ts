import { InvalidArgumentError } from '@spikes/core'
import { resolveThresholdingOptions, type ButterFilterOptions, type ThresholdDirection, type ThresholdingOptions } from '@spikes/dsp'

/** SpikeLab's load_spikedata_from_hdf5_raw_thresholded keyword arguments, in lowerCamelCase. */
export interface Hdf5ThresholdOptions {
  /** Path of the 2-D (channels x samples) dataset of raw traces. Required. */
  dataset: string
  /** Sampling rate in Hz. Required. */
  fsHz: number
  /** Threshold in units of each channel's population standard deviation (default 5). */
  thresholdSigma?: number
  /** true (default: Butterworth 300-6000 Hz, order 3), false, or { lowcut?, highcut?, order? = 5 }. */
  filter?: boolean | ButterFilterOptions | null
  /** Rising-edge detection (default true); false: every supra-threshold sample is a spike. */
  hysteresis?: boolean
  direction?: ThresholdDirection
}

export interface ResolvedHdf5Threshold {
  dataset: string
  /** Validated options for fromThresholding (filter already checked against fsHz). */
  thresholding: ThresholdingOptions & { fsHz: number }
}

const KNOWN = ['dataset', 'fsHz', 'thresholdSigma', 'filter', 'hysteresis', 'direction'] as const

/** Validates every option and the filter design, before any I/O. Throws InvalidArgumentError naming the option. */
export function resolveHdf5ThresholdOptions(input: unknown): ResolvedHdf5Threshold {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new InvalidArgumentError('options', input, 'an object { dataset, fsHz, ... }')
  const o = input as Record<string, unknown>
  for (const [k, v] of Object.entries(o)) {
    if (!(KNOWN as readonly string[]).includes(k)) throw new InvalidArgumentError(k, v, `a known hdf5-threshold option (${KNOWN.join(', ')})`)
  }
  if (o.fsHz === undefined || o.fsHz === null) throw new InvalidArgumentError('fsHz', o.fsHz, 'the sampling rate in Hz (required)')
  if (typeof o.fsHz !== 'number' || !(o.fsHz > 0) || !Number.isFinite(o.fsHz)) throw new InvalidArgumentError('fsHz', o.fsHz, 'a positive, finite sampling rate in Hz')
  if (typeof o.dataset !== 'string' || o.dataset.trim() === '') throw new InvalidArgumentError('dataset', o.dataset, 'the HDF5 path of the raw traces (channels x samples), e.g. "/traces"')
  const thresholding: ThresholdingOptions & { fsHz: number } = {
    fsHz: o.fsHz,
    thresholdSigma: o.thresholdSigma as number | undefined,
    filter: o.filter as Hdf5ThresholdOptions['filter'],
    hysteresis: o.hysteresis as boolean | undefined,
    direction: o.direction as ThresholdDirection | undefined,
  }
  resolveThresholdingOptions(thresholding)
  return { dataset: o.dataset, thresholding }
}

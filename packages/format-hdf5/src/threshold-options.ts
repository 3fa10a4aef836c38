import { InvalidArgumentError } from '@spikes/core'
import { rateHzOption, textOption } from '@spikes/core/loader-utils'
import { checkThresholdingOptions, thresholdOptionEntries, type ThresholdingOptions } from '@spikes/dsp/options'
import { object, type InferInput, type InferOutput } from 'valibot'

/** SpikeLab's load_spikedata_from_hdf5_raw_thresholded keyword arguments, in lowerCamelCase, as a schema. */
export const hdf5ThresholdOptions = object({
  dataset: textOption(undefined, 'the HDF5 path of the raw traces (channels x samples), e.g. "/traces"', 'Path of the 2-D (channels x samples) dataset of raw traces. Required.'),
  fsHz: rateHzOption('Sampling rate in Hz. Required.'),
  ...thresholdOptionEntries('true (default: Butterworth 300-6000 Hz, order 3), false, or { lowcut?, highcut?, order? = 5 }.'),
})

/** The options as callers write them. */
export type Hdf5ThresholdOptions = InferInput<typeof hdf5ThresholdOptions>

/** The hdf5-threshold options after checking: the dataset, its rate and the detection settings. */
export interface ResolvedHdf5Threshold {
  dataset: string
  /** Validated options for fromThresholding (filter already checked against fsHz). */
  thresholding: ThresholdingOptions & { fsHz: number }
}

/** dataset and fsHz are required; the filter design is checked against fsHz before any I/O. */
export function resolveHdf5ThresholdOptions(o: InferOutput<typeof hdf5ThresholdOptions>): ResolvedHdf5Threshold {
  const { dataset, fsHz, ...rest } = o
  if (fsHz === undefined) throw new InvalidArgumentError('fsHz', undefined, 'the sampling rate in Hz (required)')
  if (dataset === undefined) throw new InvalidArgumentError('dataset', undefined, 'the HDF5 path of the raw traces (channels x samples), e.g. "/traces"')
  const thresholding = { ...rest, fsHz }
  checkThresholdingOptions(thresholding)
  return { dataset, thresholding }
}

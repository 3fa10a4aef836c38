export { butterworthSos, type ButterworthType, type Sos } from './butterworth.js'
export { designButterFilter, DEFAULT_THRESHOLD_FILTER, type ButterFilterDesign, type ButterFilterOptions } from './butter-filter.js'
export { SosFiltFilt, sosfiltfilt, sosfiltZi, sosfiltfiltPadding } from './sosfiltfilt.js'
export { populationStd } from './population-std.js'
export { thresholdOptionEntries, butterFilterSchema } from './threshold-options.js'
export {
  fromThresholding,
  resolveThresholdingOptions,
  THRESHOLD_DIRECTIONS,
  WARN_ZERO_SPIKES,
  type ThresholdDirection,
  type ThresholdingOptions,
  type ResolvedThresholding,
  type TraceMatrix,
} from './from-thresholding.js'

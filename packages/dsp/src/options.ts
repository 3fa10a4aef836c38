// '@spikes/dsp/options': what a loader's option checks need (the shared schema entries, the checks, the
// filter choice) without the filter design or the detection, so a descriptor stays cheap to import.
export { thresholdOptionEntries, butterFilterSchema } from './threshold-options.js'
export { checkThresholdingOptions, THRESHOLD_DIRECTIONS, type CheckedThresholding, type ThresholdDirection, type ThresholdingOptions } from './check-thresholding.js'
export { chooseButterFilter, DEFAULT_THRESHOLD_FILTER, type ButterFilterChoice, type ButterFilterOptions } from './filter-choice.js'

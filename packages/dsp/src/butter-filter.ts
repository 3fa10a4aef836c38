// A Butterworth designed from SpikeLab's butter_filter choice (filter-choice.ts) as scipy's second-order sections.
import { type Sos, butterworthSos } from './butterworth.js'
import { chooseButterFilter, type ButterFilterChoice, type ButterFilterOptions } from './filter-choice.js'

export { DEFAULT_THRESHOLD_FILTER, chooseButterFilter, type ButterFilterChoice, type ButterFilterOptions } from './filter-choice.js'

/** A designed Butterworth filter: SpikeLab's butter_filter choice and scipy's second-order sections. */
export interface ButterFilterDesign extends ButterFilterChoice {
  sos: Sos
}

/**
 * The filter SpikeLab's butter_filter(data, lowcut, highcut, fs, order) applies (see chooseButterFilter)
 * with its second-order sections. Errors name `argument` (default 'filter').
 */
export function designButterFilter(options: ButterFilterOptions, fsHz: number, argument = 'filter'): ButterFilterDesign {
  return designFromChoice(chooseButterFilter(options, fsHz, argument))
}

/** The second-order sections of a checked choice. */
export function designFromChoice(choice: ButterFilterChoice): ButterFilterDesign {
  return { ...choice, sos: butterworthSos(choice.order, choice.wn, choice.btype) }
}

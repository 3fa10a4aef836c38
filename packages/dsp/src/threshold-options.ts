import { boolean, check, description, looseObject, finite, gtValue, minValue, nullable, number, optional, picklist, pipe, safeInteger, union } from 'valibot'
import { positiveOption } from '@spikes/core/loader-utils'
import { THRESHOLD_DIRECTIONS } from './check-thresholding.js'

const FILTER = 'true, false, or { lowcut?, highcut?, order? } in Hz'
const FILTER_KEYS = ['lowcut', 'highcut', 'order']
const CUTOFF = 'a positive, finite frequency in Hz, or null'
const cutoff = optional(nullable(pipe(number(CUTOFF), finite(CUTOFF), gtValue(0, CUTOFF))))

/** SpikeLab's butter_filter arguments as a schema (the cutoffs against the rate are checked by designButterFilter). */
export const butterFilterSchema = pipe(
  looseObject({ lowcut: cutoff, highcut: cutoff, order: optional(pipe(number('a non-negative integer filter order'), safeInteger('a non-negative integer filter order'), minValue(0, 'a non-negative integer filter order'))) }),
  // An unknown key is an error of the filter as a whole (SpikeLab's butter_filter takes these three only).
  check((filter) => Object.keys(filter).every((key) => FILTER_KEYS.includes(key)), 'only the keys lowcut, highcut and order'),
)

/**
 * The options every threshold-detecting loader shares (SpikeLab's from_thresholding keyword arguments),
 * as schema entries to spread into a loader's options; `filter` is left absent when not given, so each
 * loader keeps its own default.
 */
export function thresholdOptionEntries(filterText: string) {
  return {
    thresholdSigma: positiveOption(undefined, 'a positive, finite number of standard deviations', "Threshold in units of each channel's population standard deviation (default 5)."),
    filter: optional(pipe(nullable(union([boolean(), butterFilterSchema], FILTER)), description(filterText))),
    hysteresis: optional(pipe(boolean('true or false'), description('One spike per rising edge into the supra-threshold state (default true); false: one per supra-threshold sample.'))),
    direction: optional(pipe(picklist(THRESHOLD_DIRECTIONS, "'both', 'up' or 'down'"), description("Which crossings count: 'both' (default), 'up' (above +threshold) or 'down' (below -threshold)."))),
  }
}


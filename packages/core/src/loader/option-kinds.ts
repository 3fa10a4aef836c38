import { boolean, check, description, finite, gtValue, minValue, number, optional, picklist, pipe, string } from 'valibot'
import { TIME_UNITS, type TimeUnit } from '../time-units.js'

// The option shapes that recur across loaders, so that every loader words them the same way.
// Each is optional; pass the default where the loader has one.

/** A sampling rate in Hz: a positive, finite number. */
export function rateHzOption(text: string) {
  const expected = 'a positive, finite sampling rate in Hz'
  return optional(pipe(number(expected), finite(expected), gtValue(0, expected), description(text)))
}

/** A file name relative to the loader's folder (SpikeLab's convention for file options). */
export function folderFileOption<D extends string | undefined>(fallback: D, text: string) {
  const expected = 'a file name relative to the folder'
  return optional(pipe(string(expected), check((name) => name.trim() !== '', expected), description(text)), fallback as D)
}

/** The unit stored spike times are in: 's', 'ms' or 'samples'. */
export function timeUnitOption(fallback: TimeUnit, text: string) {
  return optional(pipe(picklist(TIME_UNITS, `one of ${TIME_UNITS.map((u) => `'${u}'`).join(', ')}`), description(text)), fallback)
}

/** A duration in milliseconds: finite and not negative. */
export function durationMsOption(text: string) {
  const expected = 'a finite, non-negative number of milliseconds'
  return optional(pipe(number(expected), finite(expected), minValue(0, expected), description(text)))
}

/** true or false, with a default. */
export function flagOption(fallback: boolean, text: string) {
  return optional(pipe(boolean('true or false'), description(text)), fallback)
}

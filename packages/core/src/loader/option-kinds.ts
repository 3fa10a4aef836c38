import { boolean, check, description, finite, gtValue, metadata, minValue, number, optional, picklist, pipe, regex, safeInteger, string, transform } from 'valibot'
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

/** The unit stored spike times are in: 's', 'ms' or 'samples'; without a fallback, absent stays absent. */
export function timeUnitOption<D extends TimeUnit | undefined>(fallback: D, text: string) {
  return optional(pipe(picklist(TIME_UNITS, `one of ${TIME_UNITS.map((u) => `'${u}'`).join(', ')}`), description(text)), fallback as D)
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

/** A positive, finite number (`expected` says of what: 'a positive number of seconds'). */
export function positiveOption<D extends number | undefined>(fallback: D, expected: string, text: string) {
  return optional(pipe(number(expected), finite(expected), gtValue(0, expected), description(text)), fallback as D)
}

/** A whole number of at least `min` (a count, an index, a size in bytes). */
export function integerOption<D extends number | undefined>(fallback: D, min: number, expected: string, text: string) {
  return optional(pipe(number(expected), safeInteger(expected), minValue(min, expected), description(text)), fallback as D)
}

/** A size limit in bytes: a positive integer. */
export function byteLimitOption(fallback: number, text: string) {
  return integerOption(fallback, 1, 'a positive integer number of bytes', text)
}

/** A non-blank string (`expected` says what it names: 'an HDF5 path such as "/units"'). */
export function textOption<D extends string | undefined>(fallback: D, expected: string, text: string) {
  return optional(pipe(string(expected), check((value) => value.trim() !== '', expected), description(text)), fallback as D)
}

/** An http(s) URL; a trailing '/' is dropped, so a base URL joins with paths the same way either way. */
export function httpUrlOption<D extends string | undefined>(fallback: D, text: string, expected = 'an http(s) URL') {
  return optional(pipe(string(expected), regex(/^https?:\/\/[^/]+/i, expected), transform((url) => url.replace(/\/+$/, '')), description(text)), fallback as D)
}

/** A credential: a non-empty string whose value error messages never show. */
export function secretOption(expected: string, text: string) {
  return optional(pipe(string(expected), check((value) => value !== '', expected), description(text), metadata({ secret: true })))
}

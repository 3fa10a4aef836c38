import { InvalidArgumentError, InvalidDataError } from './errors.js'

/** Unit of stored spike times: seconds, milliseconds, or sample indices (which need a sampling rate). */
export type TimeUnit = 's' | 'ms' | 'samples'
/** Every TimeUnit, in the order error messages list them. */
export const TIME_UNITS: readonly TimeUnit[] = ['s', 'ms', 'samples']

/** Throws unless `unit` is one of s, ms, samples; `samples` also needs a positive finite fsHz. */
export function checkTimeUnit(unit: unknown, fsHz: unknown, argument = 'timeUnit'): asserts unit is TimeUnit {
  if (typeof unit !== 'string' || !(TIME_UNITS as readonly string[]).includes(unit)) {
    throw new InvalidArgumentError(argument, unit, `one of ${TIME_UNITS.map((u) => `'${u}'`).join(', ')}`)
  }
  if (unit === 'samples') checkSamplingRate(fsHz, 'fsHz', `needed to convert ${argument} 'samples' to milliseconds`)
}

/** Throws InvalidArgumentError naming `argument` unless `fsHz` is a positive, finite number (Hz); `why` is added to the message. */
export function checkSamplingRate(fsHz: unknown, argument = 'fsHz', why = ''): asserts fsHz is number {
  if (typeof fsHz !== 'number' || !Number.isFinite(fsHz) || fsHz <= 0) {
    throw new InvalidArgumentError(argument, fsHz, `a positive, finite sampling rate in Hz${why ? ` (${why})` : ''}`)
  }
}

/** The sampling rates a file may give without an explicit option: 1 Hz to 10 MHz (every acquisition system in use lies inside). */
export const SAMPLING_RATE_RANGE: { readonly min: number; readonly max: number } = { min: 1, max: 10_000_000 }

/**
 * Checks a sampling rate read from a file (`where`: 'params.py sample_rate', an attribute path): a finite number
 * within `range` (default SAMPLING_RATE_RANGE), else InvalidDataError with `found`, `expected`, `field` and `file`
 * in its details and a message that says how to override it (`override`, e.g. "pass fsHz").
 */
export function checkFileSamplingRate(value: unknown, where: { file: string; field: string; override?: string }, range = SAMPLING_RATE_RANGE): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max
  if (ok) return value
  const found = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
  const why = typeof value !== 'number' ? 'not a number' : !Number.isFinite(value) ? 'not finite' : value <= 0 ? (value === 0 ? 'zero' : 'negative') : value < range.min ? `below ${range.min} Hz` : `above ${range.max} Hz`
  throw new InvalidDataError(
    `${where.file}: ${where.field} = ${found} is ${why}; expected a sampling rate from ${range.min} Hz to ${range.max} Hz.${where.override ? ` If the rate is right, ${where.override}.` : ''}`,
    { file: where.file, field: where.field, found: typeof value === 'number' && Number.isFinite(value) ? value : found, expected: `${range.min}..${range.max} Hz` },
  )
}

/**
 * Converts into `out` (default: a new Float64Array) with SpikeLab's exact operation order,
 * so results are bit-identical: samples → v / fs * 1e3; seconds → v * 1e3.
 */
export function toMilliseconds(values: ArrayLike<number>, unit: TimeUnit, fsHz?: number, out?: Float64Array): Float64Array {
  checkTimeUnit(unit, fsHz, 'unit')
  const n = values.length
  const result = out ?? new Float64Array(n)
  if (result.length < n) throw new InvalidArgumentError('out', `${result.length} slots`, `at least ${n}`)
  if (unit === 'ms') for (let i = 0; i < n; i++) result[i] = values[i]
  else if (unit === 's') for (let i = 0; i < n; i++) result[i] = values[i] * 1e3
  else {
    const fs = fsHz as number
    for (let i = 0; i < n; i++) result[i] = (values[i] / fs) * 1e3
  }
  return result
}

/** toMilliseconds for one value, with the same operation order. */
export function scalarToMilliseconds(value: number, unit: TimeUnit, fsHz?: number): number {
  return toMilliseconds([value], unit, fsHz)[0]
}

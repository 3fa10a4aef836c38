import { InvalidArgumentError } from './errors.js'

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

// SpikeLab's butter_filter choices: which Butterworth to build from lowcut / highcut / order. Light (no
// filter design), so loaders' option checks import it through '@spikes/dsp/options'.
import { InvalidArgumentError } from '@spikes/core'
import type { ButterworthType } from './butterworth.js'

/** SpikeLab's butter_filter keyword arguments (frequencies in Hz). */
export interface ButterFilterOptions {
  lowcut?: number | null
  highcut?: number | null
  /** Default 5, as SpikeLab's butter_filter. */
  order?: number
}

/** What from_thresholding does with `filter: true`: order 3, 300-6000 Hz. */
export const DEFAULT_THRESHOLD_FILTER: Readonly<Required<ButterFilterOptions>> = Object.freeze({ lowcut: 300, highcut: 6000, order: 3 })

/** SpikeLab's butter_filter choice: the Butterworth's type, order and normalised cutoffs. */
export interface ButterFilterChoice {
  order: number
  btype: ButterworthType
  /** Normalised critical frequency (1 = Nyquist): cut / fs * 2, a pair for band-pass. */
  wn: number | [number, number]
}

const KEYS = new Set(['lowcut', 'highcut', 'order'])

/**
 * The filter SpikeLab's butter_filter(data, lowcut, highcut, fs, order) applies: both cutoffs ->
 * band-pass (lowcut < highcut), only lowcut -> high-pass, only highcut -> low-pass. Every cutoff must
 * lie strictly between 0 and the Nyquist frequency. Errors name `argument` (default 'filter'). Designs
 * nothing, so option checks can call it without loading the filter code.
 */
export function chooseButterFilter(options: ButterFilterOptions, fsHz: number, argument = 'filter'): ButterFilterChoice {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError(argument, options, '{ lowcut?, highcut?, order? } in Hz')
  const unknown = Object.keys(options).filter((k) => !KEYS.has(k))
  if (unknown.length) throw new InvalidArgumentError(argument, options, `only the keys lowcut, highcut and order (unknown: ${unknown.join(', ')})`)
  if (!(typeof fsHz === 'number' && fsHz > 0 && Number.isFinite(fsHz))) throw new InvalidArgumentError('fsHz', fsHz, 'a positive, finite sampling rate in Hz')
  const order = options.order ?? 5
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) throw new InvalidArgumentError(`${argument}.order`, order, 'a non-negative integer filter order')
  const lowcut = options.lowcut ?? null
  const highcut = options.highcut ?? null
  for (const [key, value] of [['lowcut', lowcut], ['highcut', highcut]] as const) {
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) throw new InvalidArgumentError(`${argument}.${key}`, value, 'a finite frequency in Hz, or null')
  }
  let btype: ButterworthType
  let wn: number | [number, number]
  if (lowcut === null && highcut === null) throw new InvalidArgumentError(argument, options, 'at least a lowcut or a highcut frequency (Hz)')
  else if (lowcut === null) {
    btype = 'lowpass'
    wn = (highcut! / fsHz) * 2
  } else if (highcut === null) {
    btype = 'highpass'
    wn = (lowcut / fsHz) * 2
  } else {
    if (lowcut >= highcut) throw new InvalidArgumentError(argument, options, `lowcut smaller than highcut (got lowcut ${lowcut} Hz, highcut ${highcut} Hz)`)
    btype = 'bandpass'
    wn = [(lowcut / fsHz) * 2, (highcut / fsHz) * 2]
  }
  const normalised = typeof wn === 'number' ? [wn] : wn
  if (normalised.some((v) => !(v > 0 && v < 1))) {
    throw new InvalidArgumentError(argument, { ...options, fsHz }, `cutoffs strictly between 0 and the Nyquist frequency ${fsHz / 2} Hz (normalised 0 < Wn < 1, got Wn = ${JSON.stringify(wn)})`)
  }
  return { order, btype, wn }
}

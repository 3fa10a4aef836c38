// Digital Butterworth design in second-order sections, step for step as scipy.signal.iirfilter(N, Wn,
// btype, ftype='butter', output='sos') (scipy 1.10): analog prototype, prewarping, lowpass -> lp/hp/bp
// transform, bilinear transform, and zpk2sos with 'nearest' pairing, so the sections (their order,
// their pole/zero pairing, the gain in the first one) are the ones scipy returns.
import { InvalidArgumentError } from '@spikes/core'
import { type Complex, abs, add, complex, conj, div, isReal, mul, neg, prod, sqrt, sub } from './complex.js'

/** Filter band, as scipy's `btype`. */
export type ButterworthType = 'lowpass' | 'highpass' | 'bandpass'

/** Second-order sections, one row [b0, b1, b2, a0, a1, a2] per section (scipy's `sos` layout). */
export type Sos = number[][]

interface Zpk {
  z: Complex[]
  p: Complex[]
  k: number
}

/**
 * Butterworth filter of order `order` in second-order sections. `wn` is the normalised critical
 * frequency (1 = Nyquist), a pair [low, high] for 'bandpass'. Throws InvalidArgumentError where scipy
 * raises ValueError (order not a non-negative integer, 0 < wn < 1 violated, wn[0] >= wn[1]).
 */
export function butterworthSos(order: number, wn: number | readonly [number, number], btype: ButterworthType): Sos {
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) throw new InvalidArgumentError('order', order, 'a non-negative integer filter order')
  const band = btype === 'bandpass'
  if (btype !== 'lowpass' && btype !== 'highpass' && !band) throw new InvalidArgumentError('btype', btype, "'lowpass', 'highpass' or 'bandpass'")
  const w = typeof wn === 'number' ? [wn] : Array.isArray(wn) ? [...wn] : []
  if (w.length !== (band ? 2 : 1) || w.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
    throw new InvalidArgumentError('wn', wn, band ? 'two normalised frequencies [low, high]' : 'one normalised frequency')
  }
  if (w.some((v) => !(v > 0 && v < 1))) throw new InvalidArgumentError('wn', wn, 'normalised critical frequencies 0 < Wn < 1 (1 = Nyquist)')
  if (band && !(w[0] < w[1])) throw new InvalidArgumentError('wn', wn, 'Wn[0] < Wn[1]')

  let zpk = butterPrototype(order)
  // Prewarp for the bilinear transform with fs = 2: warped = 2 * fs * tan(pi * Wn / fs).
  const warped = w.map((v) => 4 * Math.tan((Math.PI * v) / 2))
  if (btype === 'lowpass') zpk = lowpassToLowpass(zpk, warped[0])
  else if (btype === 'highpass') zpk = lowpassToHighpass(zpk, warped[0])
  else zpk = lowpassToBandpass(zpk, Math.sqrt(warped[0] * warped[1]), warped[1] - warped[0])
  return zpkToSos(bilinear(zpk, 2))
}

function butterPrototype(order: number): Zpk {
  const p: Complex[] = []
  for (let m = -order + 1; m < order; m += 2) {
    // numpy evaluates 1j*pi*m / (2N) as a complex division: (pi*m) * (1 / (2N)).
    const theta = Math.PI * m * (1 / (2 * order))
    p.push(complex(-Math.cos(theta), -Math.sin(theta)))
  }
  return { z: [], p, k: 1 }
}

function relativeDegree(zpk: Zpk): number {
  return zpk.p.length - zpk.z.length
}

function lowpassToLowpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length
  const scale = (v: Complex): Complex => mul(v, complex(wo))
  return { z: z.map(scale), p: p.map(scale), k: k * wo ** degree }
}

function lowpassToHighpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length
  const invert = (v: Complex): Complex => div(complex(wo), v)
  const zHp = z.map(invert)
  for (let i = 0; i < degree; i++) zHp.push(complex(0))
  const gain = div(prod(z.map(neg)), prod(p.map(neg)))
  return { z: zHp, p: p.map(invert), k: k * gain.re }
}

function lowpassToBandpass(zpk: Zpk, wo: number, bw: number): Zpk {
  const degree = relativeDegree(zpk)
  const half = (v: Complex): Complex => div(mul(v, complex(bw)), complex(2))
  const shift = (values: Complex[]): Complex[] => {
    const lp = values.map(half)
    const root = lp.map((v) => sqrt(sub(mul(v, v), complex(wo * wo))))
    return [...lp.map((v, i) => add(v, root[i])), ...lp.map((v, i) => sub(v, root[i]))]
  }
  const z = shift(zpk.z)
  for (let i = 0; i < degree; i++) z.push(complex(0))
  return { z, p: shift(zpk.p), k: zpk.k * bw ** degree }
}

function bilinear(zpk: Zpk, fs: number): Zpk {
  const degree = relativeDegree(zpk)
  const fs2 = complex(2.0 * fs)
  const map = (v: Complex): Complex => div(add(fs2, v), sub(fs2, v))
  const z = zpk.z.map(map)
  for (let i = 0; i < degree; i++) z.push(complex(-1))
  const gain = div(prod(zpk.z.map((v) => sub(fs2, v))), prod(zpk.p.map((v) => sub(fs2, v))))
  return { z, p: zpk.p.map(map), k: zpk.k * gain.re }
}

const TOL = 100 * Number.EPSILON

/** scipy's _cplxreal: one member (positive imaginary part) of each conjugate pair, then the reals. */
function complexThenReal(values: Complex[]): Complex[] {
  if (values.length === 0) return []
  const sorted = stableSortBy(values, (a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im))
  const realMask = sorted.map((v) => Math.abs(v.im) <= TOL * abs(v))
  const reals = sorted.filter((_, i) => realMask[i]).map((v) => complex(v.re))
  if (reals.length === sorted.length) return reals
  const rest = sorted.filter((_, i) => !realMask[i])
  const pos = rest.filter((v) => v.im > 0)
  const negs = rest.filter((v) => v.im < 0)
  if (pos.length !== negs.length) throw new InvalidArgumentError('zpk', values.length, 'complex values in conjugate pairs')
  // Runs of (nearly) equal real parts are ordered by |imag| within each half.
  let i = 0
  while (i < pos.length - 1) {
    if (!(pos[i + 1].re - pos[i].re <= TOL * abs(pos[i]))) {
      i++
      continue
    }
    let j = i + 1
    while (j < pos.length - 1 && pos[j + 1].re - pos[j].re <= TOL * abs(pos[j])) j++
    for (const half of [pos, negs]) {
      const chunk = stableSortBy(half.slice(i, j + 1), (a, b) => Math.abs(a.im) - Math.abs(b.im))
      half.splice(i, chunk.length, ...chunk)
    }
    i = j + 1
  }
  const pairs = pos.map((v, n) => {
    if (abs(sub(v, conj(negs[n]))) > TOL * abs(negs[n])) throw new InvalidArgumentError('zpk', values.length, 'complex values in conjugate pairs')
    return div(add(v, conj(negs[n])), complex(2))
  })
  return [...pairs, ...reals]
}

function stableSortBy<T>(values: readonly T[], compare: (a: T, b: T) => number): T[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => compare(a[0], b[0]) || a[1] - b[1])
    .map(([v]) => v)
}

/** Index of the pole closest to the unit circle (first on ties, as numpy.argmin). */
function worst(values: readonly Complex[]): number {
  let best = 0
  let bestDistance = Infinity
  values.forEach((v, i) => {
    const d = Math.abs(1 - abs(v))
    if (d < bestDistance) {
      bestDistance = d
      best = i
    }
  })
  return best
}

function nearest(from: readonly Complex[], to: Complex, which: 'real' | 'complex' | 'any'): number {
  const order = stableSortBy(
    from.map((v, i) => ({ i, d: abs(sub(v, to)) })),
    (a, b) => a.d - b.d,
  )
  const hit = order.find(({ i }) => which === 'any' || isReal(from[i]) === (which === 'real'))
  if (!hit) throw new InvalidArgumentError('zpk', from.length, `a remaining ${which} zero to pair`)
  return hit.i
}

/** numpy.poly: coefficients of prod(x - r); real when the roots come in conjugate pairs. */
function poly(roots: readonly Complex[]): number[] {
  let a: Complex[] = [complex(1)]
  for (const r of roots) {
    const next: Complex[] = []
    for (let n = 0; n <= a.length; n++) {
      const terms: Complex[] = []
      if (n < a.length) terms.push(a[n])
      if (n >= 1) terms.push(mul(a[n - 1], neg(r)))
      next.push(terms.length === 1 ? terms[0] : add(terms[0], terms[1]))
    }
    a = next
  }
  return a.map((v) => v.re)
}

function section(z: Complex[], p: Complex[]): number[] {
  const sos = [0, 0, 0, 0, 0, 0]
  const b = poly(z)
  const a = poly(p)
  b.forEach((v, i) => (sos[3 - b.length + i] = v))
  a.forEach((v, i) => (sos[6 - a.length + i] = v))
  return sos
}

function removeAt<T>(values: T[], index: number): T {
  return values.splice(index, 1)[0]
}

/** scipy.signal.zpk2sos(z, p, k) with the default 'nearest' pairing for digital filters. */
function zpkToSos({ z: zeros, p: poles, k }: Zpk): Sos {
  if (zeros.length === 0 && poles.length === 0) return [[k, 0, 0, 1, 0, 0]]
  let p = [...poles]
  let z = [...zeros]
  while (p.length < z.length) p.push(complex(0))
  while (z.length < p.length) z.push(complex(0))
  const sections = Math.floor((Math.max(p.length, z.length) + 1) / 2)
  if (p.length % 2 === 1) {
    p.push(complex(0))
    z.push(complex(0))
  }
  z = complexThenReal(z)
  p = complexThenReal(p)
  const sos: Sos = Array.from({ length: sections }, () => [0, 0, 0, 0, 0, 0])
  const countReal = (values: Complex[]): number => values.filter(isReal).length
  for (let si = sections - 1; si >= 0; si--) {
    const p1 = removeAt(p, worst(p))
    if (isReal(p1) && countReal(p) === 0) {
      const z1 = removeAt(z, nearest(z, p1, 'real'))
      sos[si] = section([z1, complex(0)], [p1, complex(0)])
    } else if (p.length + 1 === z.length && !isReal(p1) && countReal(p) === 1 && countReal(z) === 1) {
      const z1 = removeAt(z, nearest(z, p1, 'complex'))
      sos[si] = section([z1, conj(z1)], [p1, conj(p1)])
    } else {
      let p2: Complex
      if (isReal(p1)) {
        const realIdx = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0)
        p2 = removeAt(p, realIdx[worst(realIdx.map((i) => p[i]))])
      } else p2 = conj(p1)
      if (z.length > 0) {
        const z1 = removeAt(z, nearest(z, p1, 'any'))
        if (!isReal(z1)) sos[si] = section([z1, conj(z1)], [p1, p2])
        else if (z.length > 0) {
          const z2 = removeAt(z, nearest(z, p1, 'real'))
          sos[si] = section([z1, z2], [p1, p2])
        } else sos[si] = section([z1], [p1, p2])
      } else sos[si] = section([], [p1, p2])
    }
  }
  for (let i = 0; i < 3; i++) sos[0][i] *= k
  return sos
}

// Forward-backward filtering with second-order sections, as scipy.signal.sosfiltfilt(sos, x) with its
// defaults (padtype 'odd', padlen from the number of sections, initial conditions from sosfilt_zi).
// Each section is a transposed direct form II, evaluated in scipy's operation order.
import { InvalidArgumentError, InvalidDataError } from '@spikes/core'
import type { Sos } from './butterworth.js'

/** Sections as a flat Float64Array of n x 6 coefficients, checked (a0 must be 1, as scipy requires). */
export function flattenSos(sos: Sos | Float64Array): Float64Array {
  const flat = sos instanceof Float64Array ? sos : Float64Array.from(Array.isArray(sos) ? sos.flat() : [])
  if (flat.length === 0 || flat.length % 6 !== 0 || flat.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError('sos', sos, 'second-order sections: rows of 6 finite coefficients [b0, b1, b2, a0, a1, a2]')
  for (let s = 0; s < flat.length; s += 6) if (flat[s + 3] !== 1) throw new InvalidArgumentError('sos', `a0 = ${flat[s + 3]} in section ${s / 6}`, 'a0 = 1 in every section')
  return flat
}

/** Steady-state initial conditions of each section for a unit step (scipy.signal.sosfilt_zi), n x 2. */
export function sosfiltZi(sos: Sos | Float64Array): Float64Array {
  const c = flattenSos(sos)
  const sections = c.length / 6
  const zi = new Float64Array(sections * 2)
  let scale = 1.0
  for (let s = 0; s < sections; s++) {
    const [b0, b1, b2, a0, a1, a2] = c.subarray(s * 6, s * 6 + 6)
    const [z0, z1] = lfilterZi2(b0, b1, b2, a1, a2)
    zi[2 * s] = scale * z0
    zi[2 * s + 1] = scale * z1
    scale *= (b0 + b1 + b2) / (a0 + a1 + a2)
  }
  return zi
}

/**
 * lfilter_zi for one biquad (a0 = 1): solves (I - companion(a)^T) zi = b[1:] - a[1:] * b0, a 2 x 2
 * system, by LU with partial pivoting as LAPACK's dgesv does.
 */
function lfilterZi2(b0: number, b1: number, b2: number, a1: number, a2: number): [number, number] {
  let m00 = 1 + a1
  let m01 = -1
  let m10 = a2
  let m11 = 1
  let r0 = b1 - a1 * b0
  let r1 = b2 - a2 * b0
  if (Math.abs(m10) > Math.abs(m00)) {
    ;[m00, m01, m10, m11] = [m10, m11, m00, m01]
    ;[r0, r1] = [r1, r0]
  }
  const l = m10 * (1 / m00)
  const u11 = m11 - l * m01
  const y1 = r1 - l * r0
  const x1 = y1 / u11
  const x0 = (r0 - x1 * m01) / m00
  return [x0, x1]
}

/** Samples added at each end before filtering: 3 x (2 x sections + 1 - first-order sections). */
export function sosfiltfiltPadding(sos: Sos | Float64Array): number {
  const c = flattenSos(sos)
  const sections = c.length / 6
  let b2Zero = 0
  let a2Zero = 0
  for (let s = 0; s < sections; s++) {
    if (c[6 * s + 2] === 0) b2Zero++
    if (c[6 * s + 5] === 0) a2Zero++
  }
  return 3 * (2 * sections + 1 - Math.min(b2Zero, a2Zero))
}

/**
 * Reusable forward-backward filter: holds the sections, their initial conditions and one scratch
 * buffer, so filtering many channels allocates nothing per channel.
 */
export class SosFiltFilt {
  readonly sos: Float64Array
  readonly zi: Float64Array
  readonly padding: number
  private scratch = new Float64Array(0)

  constructor(sos: Sos | Float64Array) {
    this.sos = flattenSos(sos)
    this.zi = sosfiltZi(this.sos)
    this.padding = sosfiltfiltPadding(this.sos)
  }

  /** Filters x[offset .. offset + n) (any numeric array, read as float64) into out[outOffset ..). */
  run(x: ArrayLike<number>, out: Float64Array, n = x.length, offset = 0, outOffset = 0): Float64Array {
    const edge = this.padding
    if (n <= edge) {
      throw new InvalidDataError(`Cannot filter ${n} samples forward-backward: the signal must be longer than the ${edge}-sample padding (3 x (2 x sections + 1)). Use a longer recording or filter: false.`, {
        samples: n,
        padlen: edge,
      })
    }
    const total = n + 2 * edge
    if (this.scratch.length < total) this.scratch = new Float64Array(total)
    const y = this.scratch
    // Odd extension: 2 * x[0] - x[edge..1] before, 2 * x[n-1] - x[n-2..n-edge-1] after. scipy computes
    // it in the input's dtype: float32 input gets float32 padding. (Integer input is extended exactly
    // here, where numpy's integer arithmetic could wrap around.)
    const round = x instanceof Float32Array ? Math.fround : (v: number): number => v
    const first = x[offset]
    const last = x[offset + n - 1]
    for (let i = 0; i < edge; i++) y[i] = round(2 * first - x[offset + edge - i])
    for (let j = 0; j < n; j++) y[edge + j] = x[offset + j]
    for (let i = 0; i < edge; i++) y[edge + n + i] = round(2 * last - x[offset + n - 2 - i])

    // Sections are applied in groups of up to three per sweep over the signal, software-pipelined so
    // that their recurrences run side by side. Every section still performs scipy's operations in
    // scipy's order, so the values are the same as its sample-by-sample loop over sections.
    const x0 = y[0]
    this.sweep(y, total, x0, 1)
    const y0 = y[total - 1]
    this.sweep(y, total, y0, -1)
    out.set(y.subarray(edge, edge + n), outOffset)
    return out
  }

  private sweep(y: Float64Array, total: number, init: number, direction: 1 | -1): void {
    const sections = this.sos.length / 6
    let s = 0
    while (s < sections) {
      const group = Math.min(3, sections - s)
      const a = this.section(s, init)
      if (group === 1) single(y, total, direction, a)
      else if (group === 2) pair(y, total, direction, a, this.section(s + 1, init))
      else triple(y, total, direction, a, this.section(s + 1, init), this.section(s + 2, init))
      s += group
    }
  }

  private section(s: number, init: number): Section {
    const c = this.sos
    return { b0: c[6 * s], b1: c[6 * s + 1], b2: c[6 * s + 2], a1: c[6 * s + 4], a2: c[6 * s + 5], z0: this.zi[2 * s] * init, z1: this.zi[2 * s + 1] * init }
  }
}

/** One biquad's coefficients and its two states (transposed direct form II). */
interface Section {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
  z0: number
  z1: number
}

function single(y: Float64Array, total: number, dir: 1 | -1, p: Section): void {
  const { b0, b1, b2, a1, a2 } = p
  let { z0, z1 } = p
  for (let n = 0, i = dir === 1 ? 0 : total - 1; n < total; n++, i += dir) {
    const x = y[i]
    const v = b0 * x + z0
    z0 = b1 * x - a1 * v + z1
    z1 = b2 * x - a2 * v
    y[i] = v
  }
}

function pair(y: Float64Array, total: number, dir: 1 | -1, p: Section, q: Section): void {
  const { b0: pb0, b1: pb1, b2: pb2, a1: pa1, a2: pa2 } = p
  const { b0: qb0, b1: qb1, b2: qb2, a1: qa1, a2: qa2 } = q
  let { z0: p0, z1: p1 } = p
  let { z0: q0, z1: q1 } = q
  // p runs one sample ahead of q: at step n, p filters sample n and q filters p's output for n - 1.
  let i = dir === 1 ? 0 : total - 1
  let x = y[i]
  let u = pb0 * x + p0
  p0 = pb1 * x - pa1 * u + p1
  p1 = pb2 * x - pa2 * u
  for (let n = 1; n < total; n++) {
    const v = qb0 * u + q0
    q0 = qb1 * u - qa1 * v + q1
    q1 = qb2 * u - qa2 * v
    y[i] = v
    i += dir
    x = y[i]
    const w = pb0 * x + p0
    p0 = pb1 * x - pa1 * w + p1
    p1 = pb2 * x - pa2 * w
    u = w
  }
  y[i] = qb0 * u + q0
}

function triple(y: Float64Array, total: number, dir: 1 | -1, p: Section, q: Section, r: Section): void {
  if (total < 2) {
    single(y, total, dir, p)
    single(y, total, dir, q)
    single(y, total, dir, r)
    return
  }
  const { b0: pb0, b1: pb1, b2: pb2, a1: pa1, a2: pa2 } = p
  const { b0: qb0, b1: qb1, b2: qb2, a1: qa1, a2: qa2 } = q
  const { b0: rb0, b1: rb1, b2: rb2, a1: ra1, a2: ra2 } = r
  let { z0: p0, z1: p1 } = p
  let { z0: q0, z1: q1 } = q
  let { z0: r0, z1: r1 } = r
  // p filters sample n, q p's output for n - 1, r q's output for n - 2.
  const first = dir === 1 ? 0 : total - 1
  let x = y[first]
  let u = pb0 * x + p0 // p's output for sample 0
  p0 = pb1 * x - pa1 * u + p1
  p1 = pb2 * x - pa2 * u
  let v = qb0 * u + q0 // q's output for sample 0
  q0 = qb1 * u - qa1 * v + q1
  q1 = qb2 * u - qa2 * v
  x = y[first + dir]
  u = pb0 * x + p0 // p's output for sample 1
  p0 = pb1 * x - pa1 * u + p1
  p1 = pb2 * x - pa2 * u
  let i = first // where r's next output goes
  for (let n = 2; n < total; n++) {
    const w = rb0 * v + r0
    r0 = rb1 * v - ra1 * w + r1
    r1 = rb2 * v - ra2 * w
    y[i] = w
    const v2 = qb0 * u + q0
    q0 = qb1 * u - qa1 * v2 + q1
    q1 = qb2 * u - qa2 * v2
    v = v2
    x = y[i + 2 * dir]
    const u2 = pb0 * x + p0
    p0 = pb1 * x - pa1 * u2 + p1
    p1 = pb2 * x - pa2 * u2
    u = u2
    i += dir
  }
  // Drain: r filters q's last two outputs, q filters p's last one.
  let w = rb0 * v + r0
  r0 = rb1 * v - ra1 * w + r1
  r1 = rb2 * v - ra2 * w
  y[i] = w
  i += dir
  v = qb0 * u + q0
  w = rb0 * v + r0
  y[i] = w
}

/** scipy.signal.sosfiltfilt(sos, x) for one signal; returns a new Float64Array. */
export function sosfiltfilt(sos: Sos | Float64Array, x: ArrayLike<number>): Float64Array {
  return new SosFiltFilt(sos).run(x, new Float64Array(x.length))
}

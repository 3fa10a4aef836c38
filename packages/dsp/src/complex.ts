// Minimal complex arithmetic for filter design. Division and square root follow the algorithms numpy
// uses (Smith's division; the C99 csqrt branch rule), so designs agree with scipy to the last bits.

export interface Complex {
  readonly re: number
  readonly im: number
}

export const complex = (re: number, im = 0): Complex => ({ re, im })

export const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im })

export const sub = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im })

export const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re })

export const neg = (a: Complex): Complex => ({ re: -a.re, im: -a.im })

export const conj = (a: Complex): Complex => ({ re: a.re, im: -a.im })

export const abs = (a: Complex): number => Math.hypot(a.re, a.im)

export const isReal = (a: Complex): boolean => a.im === 0

export function div(a: Complex, b: Complex): Complex {
  const absRe = Math.abs(b.re)
  const absIm = Math.abs(b.im)
  if (absRe >= absIm) {
    if (absRe === 0 && absIm === 0) return { re: a.re / absRe, im: a.im / absIm }
    const rat = b.im / b.re
    const scl = 1.0 / (b.re + b.im * rat)
    return { re: (a.re + a.im * rat) * scl, im: (a.im - a.re * rat) * scl }
  }
  const rat = b.re / b.im
  const scl = 1.0 / (b.im + b.re * rat)
  return { re: (a.re * rat + a.im) * scl, im: (a.im * rat - a.re) * scl }
}

export function sqrt(z: Complex): Complex {
  const { re: x, im: y } = z
  if (x === 0 && y === 0) return { re: 0, im: y }
  const t = Math.sqrt((Math.abs(x) + Math.hypot(x, y)) * 0.5)
  if (x >= 0) return { re: t, im: y / (2 * t) }
  const negative = y < 0 || Object.is(y, -0)
  return { re: Math.abs(y) / (2 * t), im: negative ? -t : t }
}

/** Product of all values, left to right (numpy's multiply.reduce); 1 for none. */
export function prod(values: readonly Complex[]): Complex {
  let p: Complex = { re: 1, im: 0 }
  for (const v of values) p = mul(p, v)
  return p
}

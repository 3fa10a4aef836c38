// numpy.std(x) (ddof 0) of one contiguous row, with numpy's summation order: pairwise summation
// (8 accumulators, blocks of 128) inside buffers of 8192 elements, buffers added one after another.
// Float32 input is reduced in float32 as numpy does; every other type in float64.
import type { NumericArray } from '@spikes/core'

const BUFFER = 8192
const BLOCK = 128

function pairwise(a: ArrayLike<number>, off: number, n: number, mean: number, squares: boolean): number {
  if (n > BLOCK) {
    let n2 = Math.floor(n / 2)
    n2 -= n2 % 8
    return pairwise(a, off, n2, mean, squares) + pairwise(a, off + n2, n - n2, mean, squares)
  }
  return squares ? leafSquares(a, off, n, mean) : leafSum(a, off, n)
}

function leafSum(a: ArrayLike<number>, off: number, n: number): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += a[off + i]
    return res
  }
  let r0 = a[off], r1 = a[off + 1], r2 = a[off + 2], r3 = a[off + 3]
  let r4 = a[off + 4], r5 = a[off + 5], r6 = a[off + 6], r7 = a[off + 7]
  let i = 8
  const end = n - (n % 8)
  for (; i < end; i += 8) {
    const o = off + i
    r0 += a[o]
    r1 += a[o + 1]
    r2 += a[o + 2]
    r3 += a[o + 3]
    r4 += a[o + 4]
    r5 += a[o + 5]
    r6 += a[o + 6]
    r7 += a[o + 7]
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
  for (; i < n; i++) res += a[off + i]
  return res
}

function leafSquares(a: ArrayLike<number>, off: number, n: number, m: number): number {
  const sq = (x: number): number => (x - m) * (x - m)
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += sq(a[off + i])
    return res
  }
  let r0 = sq(a[off]), r1 = sq(a[off + 1]), r2 = sq(a[off + 2]), r3 = sq(a[off + 3])
  let r4 = sq(a[off + 4]), r5 = sq(a[off + 5]), r6 = sq(a[off + 6]), r7 = sq(a[off + 7])
  let i = 8
  const end = n - (n % 8)
  for (; i < end; i += 8) {
    const o = off + i
    r0 += sq(a[o])
    r1 += sq(a[o + 1])
    r2 += sq(a[o + 2])
    r3 += sq(a[o + 3])
    r4 += sq(a[o + 4])
    r5 += sq(a[o + 5])
    r6 += sq(a[o + 6])
    r7 += sq(a[o + 7])
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
  for (; i < n; i++) res += sq(a[off + i])
  return res
}

const f = Math.fround

function pairwise32(a: ArrayLike<number>, off: number, n: number, mean: number, squares: boolean): number {
  const term = (x: number): number => (squares ? f(f(x - mean) * f(x - mean)) : x)
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res = f(res + term(a[off + i]))
    return res
  }
  if (n <= BLOCK) {
    const r = new Float32Array(8)
    for (let j = 0; j < 8; j++) r[j] = term(a[off + j])
    let i = 8
    const end = n - (n % 8)
    for (; i < end; i += 8) for (let j = 0; j < 8; j++) r[j] = f(r[j] + term(a[off + i + j]))
    let res = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])))
    for (; i < n; i++) res = f(res + term(a[off + i]))
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return f(pairwise32(a, off, n2, mean, squares) + pairwise32(a, off + n2, n - n2, mean, squares))
}

function bufferedSum(a: ArrayLike<number>, off: number, n: number, mean: number, squares: boolean, single: boolean): number {
  let acc = 0
  for (let i = 0; i < n; i += BUFFER) {
    const m = Math.min(BUFFER, n - i)
    acc = single ? f(acc + pairwise32(a, off + i, m, mean, squares)) : acc + pairwise(a, off + i, m, mean, squares)
  }
  return acc
}

/**
 * Population standard deviation (ddof 0) of a[off .. off + n), bit-for-bit as numpy.std on a row of a
 * C-ordered array. Float32Array rows are computed in float32 (the result is a float32 value).
 * NaN for an empty row.
 */
export function populationStd(a: NumericArray | ArrayLike<number>, off = 0, n = a.length - off): number {
  if (a instanceof Float32Array) {
    const mean = f(bufferedSum(a, off, n, 0, false, true) / n)
    return f(Math.sqrt(f(bufferedSum(a, off, n, mean, true, true) / n)))
  }
  const mean = bufferedSum(a, off, n, 0, false, false) / n
  return Math.sqrt(bufferedSum(a, off, n, mean, true, false) / n)
}

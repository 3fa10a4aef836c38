// MsPass: seconds to ms with the largest time and the order of every train, over runs that arrive in any
// order (the chunks of a parallel read), against one pass over the whole array.
import { describe, expect, it } from 'vitest'
import { MsPass } from '../src/lib/ms-pass.js'

/** The reference: one pass, train by train. */
function wholePass(seconds: Float64Array, offsets: Float64Array) {
  const ms = Float64Array.from(seconds, (v) => v * 1e3)
  let maxMs = -Infinity
  let sorted = true
  for (let u = 0; u + 1 < offsets.length; u++) {
    for (let i = offsets[u]; i < offsets[u + 1]; i++) {
      if (Number.isNaN(ms[i]) || (i > offsets[u] && ms[i] < ms[i - 1])) sorted = false
      if (ms[i] > maxMs) maxMs = ms[i]
    }
  }
  return { ms, maxMs, sorted }
}

/** Runs of `size` over [0, length), in a shuffled order. */
function shuffledRuns(length: number, size: number, seed: number): [number, number][] {
  const runs: [number, number][] = []
  for (let s = 0; s < length; s += size) runs.push([s, Math.min(length, s + size)])
  let x = seed
  for (let i = runs.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31
    const j = x % (i + 1)
    ;[runs[i], runs[j]] = [runs[j], runs[i]]
  }
  return runs
}

function check(seconds: number[], offsets: number[], size: number, seed = 7) {
  const times = Float64Array.from(seconds)
  const off = Float64Array.from(offsets)
  const expected = wholePass(times, off)
  const pass = new MsPass(times, off)
  for (const [s, e] of shuffledRuns(times.length, size, seed)) pass.run(s, e)
  const got = pass.finish()
  const used = offsets[offsets.length - 1]
  expect(Array.from(times.subarray(0, used))).toEqual(Array.from(expected.ms.subarray(0, used)))
  expect(got).toEqual({ maxMs: expected.maxMs, sorted: expected.sorted })
  expect(pass.covered).toBe(times.length)
  return got
}

describe('MsPass', () => {
  const sorted = [0.1, 0.2, 0.3, 0.05, 0.06, 1.5, 1.6, 1.7, 0.01, 0.02]
  const offsets = [0, 3, 5, 5, 8, 10] // an empty unit in the middle

  it.each([1, 2, 3, 4, 7, 10])('sorted trains, runs of %i: times in ms, the max, sorted', (size) => {
    expect(check(sorted, offsets, size)).toEqual({ maxMs: 1700, sorted: true })
  })

  it.each([1, 2, 3, 4])('a descent inside a train found whichever run holds it (runs of %i)', (size) => {
    const times = [...sorted]
    times[6] = 1.4 // 1.5, 1.4: unit 3 out of order, across a seam for some run sizes
    expect(check(times, offsets, size).sorted).toBe(false)
  })

  it('a descent across a train boundary is not a descent', () => {
    expect(check([0.5, 0.9, 0.1, 0.2], [0, 2, 4], 1).sorted).toBe(true)
  })

  it('NaN makes the trains unsorted and is not the max', () => {
    expect(check([0.1, Number.NaN, 0.3, 0.4], [0, 4], 2)).toEqual({ maxMs: 400, sorted: false })
  })

  it('a trailing part past the last offset belongs to no unit: not converted, not the max', () => {
    const times = Float64Array.of(0.1, 0.2, 99, 98)
    const pass = new MsPass(times, Float64Array.of(0, 2))
    pass.run(2, 4)
    pass.run(0, 2)
    expect(pass.finish()).toEqual({ maxMs: 200, sorted: true })
    expect(Array.from(times)).toEqual([100, 200, 99, 98])
  })

  it('random trains in random runs agree with one pass', () => {
    let x = 12_345
    const rand = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    for (let round = 0; round < 20; round++) {
      const counts = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 8))
      const offs = [0]
      for (const c of counts) offs.push(offs[offs.length - 1] + c)
      const times: number[] = []
      for (const c of counts) {
        let t = rand()
        for (let k = 0; k < c; k++) times.push((t += rand() < 0.05 ? -0.5 : rand()))
      }
      check(times, offs, 1 + Math.floor(rand() * 9), round)
    }
  })
})

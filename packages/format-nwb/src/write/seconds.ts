const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const LO = LITTLE ? 0 : 1
const HI = LITTLE ? 1 : 0

/** The float64 next to `s` away from (+1) or toward (-1) zero, by its bit pattern. */
function step(s: number, dir: 1 | -1): number {
  f64[0] = s
  let lo = u32[LO]
  let hi = u32[HI]
  if (dir === 1) {
    if (lo === 0xffffffff) {
      lo = 0
      hi = (hi + 1) >>> 0
    } else lo++
  } else if (lo === 0) {
    lo = 0xffffffff
    hi = (hi - 1) >>> 0
  } else lo--
  u32[LO] = lo
  u32[HI] = hi
  return f64[0]
}

/**
 * Milliseconds -> seconds for NWB, choosing among t / 1e3 and its two float neighbours the one that
 * converts back (s * 1e3, as the loader does) to exactly t, so that load(export(sd)) is exact where it can be:
 * about 1 % of float64 values (none of the sample-derived k / fs * 1e3) have no such s and come back one
 * float step off.
 */
export function msToSeconds(ms: ArrayLike<number>, out = new Float64Array(ms.length)): Float64Array {
  for (let i = 0; i < ms.length; i++) {
    const t = ms[i]
    const s = t / 1e3
    if (s * 1e3 === t || s === 0 || !Number.isFinite(s)) {
      out[i] = s
      continue
    }
    const up = step(s, 1)
    if (up * 1e3 === t) {
      out[i] = up
      continue
    }
    const down = step(s, -1)
    out[i] = down * 1e3 === t ? down : s
  }
  return out
}

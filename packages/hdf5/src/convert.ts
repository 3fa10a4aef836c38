import { UnsupportedError } from '@spikes/core'

const TWO32 = 4294967296
const LIMIT_HI = 2097152 // 2^53 / 2^32

/**
 * Copies `length` 64-bit integers (little-endian, as h5wasm delivers them) starting at element `src` of the
 * heap words into `out[dst...]`, throwing UnsupportedError for magnitudes above 2^53 (not exact as numbers).
 */
export function copyInt64(words: Int32Array, src: number, out: { [i: number]: number }, dst: number, length: number, signed: boolean, where: () => Record<string, unknown>): void {
  const u = new Uint32Array(words.buffer, words.byteOffset, words.length)
  for (let k = 0; k < length; k++) {
    const w = (src + k) * 2
    const lo = u[w]
    let value: number
    if (signed) {
      const hi = words[w + 1]
      if (hi >= LIMIT_HI || hi < -LIMIT_HI) {
        if (!((hi === LIMIT_HI || hi === -LIMIT_HI) && lo === 0)) tooLarge(hi * TWO32 + lo, src + k, where)
      }
      value = hi * TWO32 + lo
    } else {
      const hi = u[w + 1]
      if (hi >= LIMIT_HI && !(hi === LIMIT_HI && lo === 0)) tooLarge(hi * TWO32 + lo, src + k, where)
      value = hi * TWO32 + lo
    }
    out[dst + k] = value
  }
}

function tooLarge(approx: number, blockIndex: number, where: () => Record<string, unknown>): never {
  const info = where()
  throw new UnsupportedError(
    'int64-precision',
    `A 64-bit integer in ${String(info.dataset ?? 'the dataset')} is about ${approx}, beyond 2^53, so it cannot be represented exactly as a number. Read it with { as: 'native' } to get a BigInt64Array.`,
    { ...info, blockIndex, approx },
  )
}


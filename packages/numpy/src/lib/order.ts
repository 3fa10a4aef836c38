/** True when Fortran and C order put the elements in the same sequence (at most one dimension > 1). */
export function orderIsIrrelevant(shape: readonly number[]): boolean {
  return shape.filter((d) => d > 1).length <= 1
}

/** Any indexable array (typed array or plain array). */
export type Indexable = { length: number; [i: number]: unknown }

/**
 * Reorders elements stored in Fortran order into C order. `group` is the number of consecutive
 * values per element (2 for complex numbers stored as interleaved re/im pairs).
 */
export function fortranToC<T extends Indexable>(data: T, shape: readonly number[], make: (length: number) => T, group = 1): T {
  const out = make(data.length)
  const nd = shape.length
  const cStride = new Array<number>(nd)
  let s = 1
  for (let d = nd - 1; d >= 0; d--) {
    cStride[d] = s
    s *= shape[d]
  }
  const count = s
  const index = new Array<number>(nd).fill(0)
  let c = 0
  for (let f = 0; f < count; f++) {
    // f walks Fortran order: the first index varies fastest.
    for (let g = 0; g < group; g++) out[c * group + g] = data[f * group + g]
    for (let d = 0; d < nd; d++) {
      index[d]++
      c += cStride[d]
      if (index[d] < shape[d]) break
      c -= cStride[d] * shape[d]
      index[d] = 0
    }
  }
  return out
}

/** One hyperslab read: absolute `offset` and `count` per dimension, and where it lands in the selection. */
export interface Block {
  offset: number[]
  count: number[]
  /** Position of the block's first element relative to the selection start, per dimension. */
  relative: number[]
}

const MAX_ALIGNED_BYTES = 256 * 1024 * 1024

/**
 * The block shape for reading `count` elements from `start`: at most `budgetBytes` per block (unless one
 * chunk is larger), whole chunks where the dataset is chunked so HDF5 never inflates a chunk twice, and
 * inner dimensions filled first so that blocks are mostly contiguous in C order.
 */
export function blockShape(count: number[], elementBytes: number, budgetBytes: number, chunks: number[] | null): number[] {
  const rank = count.length
  let unit = count.map((c, i) => Math.max(1, Math.min(c, chunks?.[i] ?? 1)))
  let unitBytes = unit.reduce((a, b) => a * b, elementBytes)
  if (unitBytes > MAX_ALIGNED_BYTES) {
    unit = unit.map(() => 1)
    unitBytes = elementBytes
  }
  const budget = Math.max(budgetBytes, unitBytes)
  const shape = unit.slice()
  let bytes = unitBytes
  for (let i = rank - 1; i >= 0; i--) {
    const others = bytes / shape[i]
    const units = Math.max(1, Math.floor(budget / (others * unit[i])))
    shape[i] = Math.min(count[i], units * unit[i])
    bytes = others * shape[i]
    if (shape[i] < count[i]) break
  }
  return shape
}

/** Splits [start, start + count) at absolute multiples of `step` (so chunk-aligned steps stay aligned). */
function segments(start: number, count: number, step: number): [number, number][] {
  const out: [number, number][] = []
  let p = start
  const end = start + count
  while (p < end) {
    const next = Math.min(end, (Math.floor(p / step) + 1) * step)
    out.push([p, next - p])
    p = next
  }
  return out
}

/** All blocks covering the selection, in C order of their positions. */
export function* planBlocks(start: number[], count: number[], shape: number[]): Generator<Block> {
  const rank = count.length
  if (count.some((c) => c === 0)) return
  if (rank === 0) {
    yield { offset: [], count: [], relative: [] }
    return
  }
  const segs = count.map((c, i) => segments(start[i], c, shape[i]))
  const idx = new Array<number>(rank).fill(0)
  for (;;) {
    const offset = idx.map((k, i) => segs[i][k][0])
    yield { offset, count: idx.map((k, i) => segs[i][k][1]), relative: offset.map((o, i) => o - start[i]) }
    let d = rank - 1
    while (d >= 0) {
      idx[d]++
      if (idx[d] < segs[d].length) break
      idx[d] = 0
      d--
    }
    if (d < 0) return
  }
}

/**
 * Calls `copy(srcIndex, dstIndex, length)` for each contiguous run of a block inside the C-ordered
 * selection output (element units, relative to the block buffer and the output start).
 */
export function forEachRun(block: Block, selection: number[], copy: (src: number, dst: number, length: number) => void): void {
  const rank = selection.length
  if (rank === 0) {
    copy(0, 0, 1)
    return
  }
  // Merge trailing dimensions that the block covers fully: they form one contiguous run.
  let m = rank - 1
  while (m > 0 && block.count[m] === selection[m]) m--
  let run = 1
  for (let i = m; i < rank; i++) run *= block.count[i]
  const strides = new Array<number>(rank)
  strides[rank - 1] = 1
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * selection[i + 1]
  let base = 0
  for (let i = 0; i < rank; i++) base += block.relative[i] * strides[i]
  if (m === 0) {
    copy(0, base, run)
    return
  }
  const idx = new Array<number>(m).fill(0)
  let src = 0
  for (;;) {
    let dst = base
    for (let i = 0; i < m; i++) dst += idx[i] * strides[i]
    copy(src, dst, run)
    src += run
    let d = m - 1
    while (d >= 0) {
      idx[d]++
      if (idx[d] < block.count[d]) break
      idx[d] = 0
      d--
    }
    if (d < 0) return
  }
}

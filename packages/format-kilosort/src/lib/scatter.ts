import type { TimeUnit } from '@spikes/core/loader-utils'
import type { SlotTable } from './cluster-index.js'

type Numbers = ArrayLike<number>

/**
 * Writes each spike of a chunk to its unit's next position in `out` (spikes of dropped clusters are
 * skipped), converting to ms with SpikeLab's operation order. Returns the largest time written.
 * One loop per time unit keeps the hot loop free of branches the JIT cannot hoist.
 */
export function scatterChunk(times: Numbers, clusters: Numbers, slots: SlotTable, cursor: Uint32Array | Float64Array, out: Float64Array, unit: TimeUnit, fsHz: number, max: number): number {
  if (slots.sparse.size > 0) return scatterSparse(times, clusters, slots, cursor, out, unit, fsHz, max)
  const n = times.length
  const dense = slots.dense
  const denseLength = dense.length
  if (unit === 'samples') {
    for (let i = 0; i < n; i++) {
      const id = clusters[i]
      if (!(id >= 0 && id < denseLength)) continue
      const s = dense[id]
      if (s < 0) continue
      const v = (times[i] / fsHz) * 1e3
      out[cursor[s]++] = v
      if (v > max) max = v
    }
  } else {
    const scale = unit === 's' ? 1e3 : 1
    for (let i = 0; i < n; i++) {
      const id = clusters[i]
      if (!(id >= 0 && id < denseLength)) continue
      const s = dense[id]
      if (s < 0) continue
      // 's': v * 1e3 as SpikeLab; 'ms': the value itself (times 1 is exact).
      const v = times[i] * scale
      out[cursor[s]++] = v
      if (v > max) max = v
    }
  }
  return max
}

function scatterSparse(times: Numbers, clusters: Numbers, slots: SlotTable, cursor: Uint32Array | Float64Array, out: Float64Array, unit: TimeUnit, fsHz: number, max: number): number {
  for (let i = 0; i < times.length; i++) {
    const s = slots.get(clusters[i])
    if (s < 0) continue
    const t = times[i]
    const v = unit === 'samples' ? (t / fsHz) * 1e3 : unit === 's' ? t * 1e3 : t * 1
    out[cursor[s]++] = v
    if (v > max) max = v
  }
  return max
}

const TWO32 = 4294967296

/**
 * The same for little-endian int64 / uint64 times given as raw bytes: each value is high word * 2^32 +
 * low word (no BigInt), refused beyond ±2^53 for every spike, kept or not. `scratch` holds a copy when
 * the bytes are not 4-byte aligned. Returns the largest time written.
 */
export function scatterInt64Chunk(
  bytes: Uint8Array,
  signed: boolean,
  clusters: Numbers,
  slots: SlotTable,
  cursor: Uint32Array | Float64Array,
  out: Float64Array,
  unit: TimeUnit,
  fsHz: number,
  max: number,
  tooLarge: (index: number) => never,
): number {
  const n = clusters.length
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  const u32 = new Uint32Array(aligned.buffer, aligned.byteOffset, n * 2)
  const i32 = new Int32Array(aligned.buffer, aligned.byteOffset, n * 2)
  const dense = slots.dense
  const denseLength = dense.length
  const sparse = slots.sparse.size > 0 ? slots : undefined
  const scale = unit === 's' ? 1e3 : 1
  for (let i = 0; i < n; i++) {
    const lo = u32[2 * i]
    const hi = signed ? i32[2 * i + 1] : u32[2 * i + 1]
    if (hi > 0x200000 || hi < -0x200000 || (hi === 0x200000 && lo !== 0)) tooLarge(i)
    const id = clusters[i]
    const s = id >= 0 && id < denseLength ? dense[id] : sparse ? sparse.get(id) : -1
    if (s < 0) continue
    const t = hi * TWO32 + lo
    const v = unit === 'samples' ? (t / fsHz) * 1e3 : t * scale
    out[cursor[s]++] = v
    if (v > max) max = v
  }
  return max
}

import type { TimeUnit } from '@spikes/core/loader-utils'
import type { SlotTable } from './cluster-index.js'

type Numbers = ArrayLike<number>

/**
 * Where pass 2 writes: the output (allocated once), each unit's next position and last time, and whether every train came out non-decreasing without NaN (checked spike by spike
 * here, so that SpikeData need not read the output again; see vouchSortedTrains).
 */
export class ScatterTarget {
  readonly out: Float64Array
  readonly cursor: Uint32Array | Float64Array
  readonly last: Float64Array
  sorted = true

  /** `offsets`: the units' offsets (units + 1 of them). */
  constructor(offsets: readonly number[]) {
    const total = offsets[offsets.length - 1]
    this.out = new Float64Array(total)
    const starts = offsets.slice(0, -1)
    this.cursor = total < 2 ** 32 ? Uint32Array.from(starts) : Float64Array.from(starts)
    this.last = new Float64Array(starts.length).fill(-Infinity)
  }

  /**
   * The largest time written (-Infinity without any). Tracked per train rather than per spike: a
   * running maximum in the hot loop costs V8 a heap number per spike.
   */
  max(): number {
    let max = -Infinity
    const values = this.sorted ? this.last : this.out
    for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i]
    return max
  }
}

/**
 * Writes each spike of a chunk to its unit's next position (spikes of dropped clusters are skipped),
 * converting to ms with SpikeLab's operation order. One loop per time unit keeps the hot loop free of
 * branches the JIT cannot hoist.
 */
export function scatterChunk(times: Numbers, clusters: Numbers, slots: SlotTable, target: ScatterTarget, unit: TimeUnit, fsHz: number): void {
  if (slots.sparse.size > 0) return scatterSparse(times, clusters, slots, target, unit, fsHz)
  const n = times.length
  const dense = slots.dense
  const denseLength = dense.length
  const { out, cursor, last } = target
  let { sorted } = target
  if (unit === 'samples') {
    for (let i = 0; i < n; i++) {
      const id = clusters[i]
      if (!(id >= 0 && id < denseLength)) continue
      const s = dense[id]
      if (s < 0) continue
      const v = (times[i] / fsHz) * 1e3
      if (!(v >= last[s])) sorted = false // NaN too
      last[s] = v
      out[cursor[s]++] = v
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
      if (!(v >= last[s])) sorted = false
      last[s] = v
      out[cursor[s]++] = v
    }
  }
  target.sorted = sorted
}

function scatterSparse(times: Numbers, clusters: Numbers, slots: SlotTable, target: ScatterTarget, unit: TimeUnit, fsHz: number): void {
  const { out, cursor, last } = target
  for (let i = 0; i < times.length; i++) {
    const s = slots.get(clusters[i])
    if (s < 0) continue
    const t = times[i]
    const v = unit === 'samples' ? (t / fsHz) * 1e3 : unit === 's' ? t * 1e3 : t * 1
    if (!(v >= last[s])) target.sorted = false
    last[s] = v
    out[cursor[s]++] = v
  }
}

const TWO32 = 4294967296

/**
 * The same for little-endian int64 / uint64 times given as raw bytes: each value is high word * 2^32 +
 * low word (no BigInt, no intermediate array), refused beyond ±2^53 for every spike, kept or not. The
 * bytes are copied only when they are not 4-byte aligned.
 */
export function scatterInt64Chunk(bytes: Uint8Array, signed: boolean, clusters: Numbers, slots: SlotTable, target: ScatterTarget, unit: TimeUnit, fsHz: number, tooLarge: (index: number) => never): void {
  const n = clusters.length
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  const u32 = new Uint32Array(aligned.buffer, aligned.byteOffset, n * 2)
  const i32 = new Int32Array(aligned.buffer, aligned.byteOffset, n * 2)
  const dense = slots.dense
  const denseLength = dense.length
  const sparse = slots.sparse.size > 0 ? slots : undefined
  const inSamples = unit === 'samples'
  const scale = unit === 's' ? 1e3 : 1
  const { out, cursor, last } = target
  let { sorted } = target
  for (let i = 0; i < n; i++) {
    const lo = u32[2 * i]
    const hi = signed ? i32[2 * i + 1] : u32[2 * i + 1]
    if (hi > 0x200000 || hi < -0x200000 || (hi === 0x200000 && lo !== 0)) tooLarge(i)
    const id = clusters[i]
    const s = id >= 0 && id < denseLength ? dense[id] : sparse ? sparse.get(id) : -1
    if (s < 0) continue
    const t = hi * TWO32 + lo
    const v = inSamples ? (t / fsHz) * 1e3 : t * scale
    if (!(v >= last[s])) sorted = false
    last[s] = v
    out[cursor[s]++] = v
  }
  target.sorted = sorted
}

const FIRST_CHUNK = 8
const MAX_CHUNK = 1 << 16
const NARROW_LIMIT = 4294967296
// Shared placeholders for slots without a chunk yet: a hostile file may invent a slot per 16-byte block.
const NO_TICKS32 = new Uint32Array(0)
const NO_TICKS64 = new Float64Array(0)

/**
 * Spike timestamps (ticks) per slot, kept in chunks that double from 8 up to 64 Ki entries: growing never
 * copies, memory follows the spikes actually found (not a header's claim, and a few hundred bytes at most
 * per slot a hostile file invents), and building the output is one sequential pass per slot. Ticks are
 * kept as uint32 while they fit (half the fresh memory, which costs more than the scan itself) and as
 * float64 from the first one that does not. Each slot's ticks are compared with its previous one as
 * they arrive, so the output can be vouched sorted.
 */
export class SpikeCollector {
  /** Per slot: its chunks, once it has one (a list literal then, sized for one: a hostile file may invent a slot per block). */
  private readonly chunks: ((Uint32Array | Float64Array)[] | undefined)[] = []
  /** Per slot: its current chunk (uint32 while ticks fit, float64 after) and how much of it is filled. */
  private current: Uint32Array[] = []
  private current64: Float64Array[] = []
  private fill = new Int32Array(64)
  /** Ticks below this go to uint32 chunks: 2^32 until the first tick that does not fit, then -1 (everything float64). */
  private narrowBelow = NARROW_LIMIT
  /** False once some slot's ticks came before its previous ones. */
  sorted = true

  /** Adds a spike at `ticks` (a non-negative integer below 2^53) to `slot`, which {@link addSlots} made room for. */
  push(slot: number, ticks: number): void {
    let at = this.fill[slot]
    if (ticks < this.narrowBelow) {
      let chunk = this.current[slot]
      if (at === chunk.length) {
        chunk = this.grow(slot, ticks, Uint32Array, chunk.length) as Uint32Array
        this.current[slot] = chunk
        at = 0
      } else if (at > 0 && ticks < chunk[at - 1]) this.sorted = false
      chunk[at] = ticks
    } else {
      if (this.narrowBelow > 0) at = this.widen(slot)
      let chunk = this.current64[slot]
      if (at === chunk.length) {
        chunk = this.grow(slot, ticks, Float64Array, chunk.length) as Float64Array
        this.current64[slot] = chunk
        at = 0
      } else if (at > 0 && ticks < chunk[at - 1]) this.sorted = false
      chunk[at] = ticks
    }
    this.fill[slot] = at + 1
  }

  /** Makes room for slots up to `slot` (kept out of push, which runs once per spike). */
  addSlots(slot: number): void {
    while (this.chunks.length <= slot) {
      this.chunks.push(undefined)
      this.current.push(NO_TICKS32)
      this.current64.push(NO_TICKS64)
    }
    if (slot >= this.fill.length) {
      const fill = new Int32Array(Math.max(slot + 1, this.fill.length * 2))
      fill.set(this.fill)
      this.fill = fill
    }
  }

  /**
   * From now on, float64 chunks: every slot's uint32 chunk is closed at its fill, followed by an empty
   * float64 one. Returns the new fill of `slot` (0).
   */
  private widen(slot: number): number {
    this.narrowBelow = -1
    this.chunks.forEach((list, k) => {
      if (!list) return
      list[list.length - 1] = list[list.length - 1].subarray(0, this.fill[k])
      const empty = new Float64Array(0)
      list.push(empty)
      this.current64[k] = empty
      this.fill[k] = 0
    })
    return this.fill[slot]
  }

  /** A new chunk for `slot`, whose first entry `ticks` must not precede the slot's last one. */
  private grow(slot: number, ticks: number, kind: Uint32ArrayConstructor | Float64ArrayConstructor, previous: number): Uint32Array | Float64Array {
    const list = this.chunks[slot]
    const last = list?.findLast((chunk) => chunk.length > 0)
    if (last && ticks < last[last.length - 1]) this.sorted = false
    const chunk = new kind(Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, previous * 2)))
    if (list) list.push(chunk)
    else this.chunks[slot] = [chunk]
    this.fill[slot] = 0
    return chunk
  }

  /** The number of spikes of `slot`. */
  private countOf(slot: number): number {
    const list = this.chunks[slot] ?? []
    let n = 0
    for (let k = 0; k < list.length; k++) n += k === list.length - 1 ? this.fill[slot] : list[k].length
    return n
  }

  /**
   * Concatenates the slots' spikes in the order `order` gives (order[k] = the slot of output unit k;
   * slots not listed are dropped), converting ticks to ms with SpikeLab's operation order (ticks / fs * 1e3).
   */
  build(order: readonly number[], frequency: number): { times: Float64Array; offsets: Float64Array } {
    const offsets = new Float64Array(order.length + 1)
    order.forEach((slot, k) => {
      offsets[k + 1] = offsets[k] + this.countOf(slot)
    })
    const times = new Float64Array(offsets[order.length])
    let at = 0
    for (const slot of order) {
      const list = this.chunks[slot] ?? []
      for (let k = 0; k < list.length; k++) {
        const chunk = list[k]
        const n = k === list.length - 1 ? this.fill[slot] : chunk.length
        at = chunk instanceof Uint32Array ? narrowToMs(chunk, n, times, at, frequency) : wideToMs(chunk, n, times, at, frequency)
      }
    }
    return { times, offsets }
  }
}

// Two copies of one loop, so that each stays monomorphic.
function narrowToMs(ticks: Uint32Array, n: number, times: Float64Array, at: number, frequency: number): number {
  for (let i = 0; i < n; i++) times[at + i] = (ticks[i] / frequency) * 1e3
  return at + n
}

function wideToMs(ticks: Float64Array, n: number, times: Float64Array, at: number, frequency: number): number {
  for (let i = 0; i < n; i++) times[at + i] = (ticks[i] / frequency) * 1e3
  return at + n
}

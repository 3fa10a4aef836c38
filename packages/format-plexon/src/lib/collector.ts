const FIRST_CHUNK = 16
const MAX_CHUNK = 1 << 16

/**
 * Spike times in ms, kept per slot in chunks that double from 16 up to 64 Ki entries: growing never
 * copies, memory follows the spikes actually found (not a header's claim, and a few hundred bytes at most
 * per slot a hostile file invents), and building the output is one sequential copy per slot. Each
 * slot's times are compared with its previous one as they arrive, so the output can be vouched sorted.
 */
export class SpikeCollector {
  private readonly chunks: Float64Array[][] = []
  /** Per slot: its current chunk and how much of it is filled. */
  private current: Float64Array[] = []
  private fill = new Int32Array(64)
  private last = new Float64Array(64)
  private counts = new Float64Array(64)
  /** False once some slot's time came before its previous one. */
  sorted = true
  count = 0

  constructor(private readonly frequency: number) {}

  /** Adds a spike at `ticks` (converted with SpikeLab's operation order, ticks / fs * 1e3) to `slot`. */
  push(slot: number, ticks: number): void {
    const ms = (ticks / this.frequency) * 1e3
    if (slot >= this.current.length) this.addSlots(slot)
    let chunk = this.current[slot]
    let at = this.fill[slot]
    if (at === chunk.length) {
      chunk = this.grow(slot, chunk.length)
      at = 0
    }
    chunk[at] = ms
    this.fill[slot] = at + 1
    if (ms < this.last[slot]) this.sorted = false
    this.last[slot] = ms
    this.counts[slot]++
    this.count++
  }

  private addSlots(slot: number): void {
    while (this.current.length <= slot) {
      this.chunks.push([])
      this.current.push(new Float64Array(0))
    }
    if (slot >= this.fill.length) {
      const length = Math.max(slot + 1, this.fill.length * 2)
      this.fill = grown(this.fill, new Int32Array(length))
      this.last = grown(this.last, new Float64Array(length))
      this.counts = grown(this.counts, new Float64Array(length))
    }
  }

  private grow(slot: number, previous: number): Float64Array {
    const chunk = new Float64Array(Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, previous * 2)))
    this.chunks[slot].push(chunk)
    this.current[slot] = chunk
    this.fill[slot] = 0
    return chunk
  }

  /** Concatenates the slots' times in the order `order` gives (order[k] = the slot of output unit k; slots not listed are dropped). */
  build(order: readonly number[]): { times: Float64Array; offsets: Float64Array } {
    const offsets = new Float64Array(order.length + 1)
    order.forEach((slot, k) => {
      offsets[k + 1] = offsets[k] + (slot < this.current.length ? this.counts[slot] : 0)
    })
    const times = new Float64Array(offsets[order.length])
    order.forEach((slot, k) => {
      let at = offsets[k]
      for (const chunk of this.chunks[slot] ?? []) {
        const n = chunk === this.current[slot] ? this.fill[slot] : chunk.length
        times.set(n === chunk.length ? chunk : chunk.subarray(0, n), at)
        at += n
      }
    })
    return { times, offsets }
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from)
  return to
}

const FIRST_CHUNK = 4096
const MAX_CHUNK = 1 << 20

/**
 * Spikes in file order, as (slot, ticks) pairs kept in chunks that double up to 1 Mi entries: growing
 * never copies, and memory follows the spikes actually found, not a header's claim.
 */
export class SpikeCollector {
  private readonly slotChunks: Uint32Array[] = []
  private readonly tickChunks: Float64Array[] = []
  private slots = new Uint32Array(0)
  private ticks = new Float64Array(0)
  private fill = 0
  /** Spikes per slot so far (counted here, so build needs one pass, not two). */
  private perSlot = new Float64Array(64)
  count = 0

  push(slot: number, ticks: number): void {
    if (this.fill === this.slots.length) this.grow()
    if (slot >= this.perSlot.length) this.growSlots(slot)
    this.slots[this.fill] = slot
    this.ticks[this.fill] = ticks
    this.perSlot[slot]++
    this.fill++
    this.count++
  }

  private growSlots(slot: number): void {
    const grown = new Float64Array(Math.max(slot + 1, this.perSlot.length * 2))
    grown.set(this.perSlot)
    this.perSlot = grown
  }

  private grow(): void {
    const size = Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, this.slots.length * 2))
    this.slots = new Uint32Array(size)
    this.ticks = new Float64Array(size)
    this.slotChunks.push(this.slots)
    this.tickChunks.push(this.ticks)
    this.fill = 0
  }

  /**
   * Groups the spikes by slot in the order `order` gives (order[k] = the slot of output unit k; slots
   * not listed are dropped), converting ticks to ms with SpikeLab's operation order (ticks / fs * 1e3).
   */
  build(order: readonly number[], slotCount: number, frequency: number): { times: Float64Array; offsets: Float64Array } {
    const counts = this.perSlot
    const next = new Float64Array(slotCount).fill(-1)
    const offsets = new Float64Array(order.length + 1)
    order.forEach((slot, k) => {
      next[slot] = offsets[k]
      offsets[k + 1] = offsets[k] + counts[slot]
    })
    const times = new Float64Array(offsets[order.length])
    this.forEachChunk((slots, ticks, n) => {
      for (let i = 0; i < n; i++) {
        const at = next[slots[i]]
        if (at < 0) continue
        times[at] = (ticks[i] / frequency) * 1e3
        next[slots[i]] = at + 1
      }
    })
    return { times, offsets }
  }

  private forEachChunk(visit: (slots: Uint32Array, ticks: Float64Array, n: number) => void): void {
    const last = this.slotChunks.length - 1
    this.slotChunks.forEach((slots, c) => visit(slots, this.tickChunks[c], c === last ? this.fill : slots.length))
  }
}

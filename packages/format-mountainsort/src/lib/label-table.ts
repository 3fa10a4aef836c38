import { isIndex } from './event-faults.js'

/** What {@link LabelTable.snapshot} returns: one entry per slot. */
export interface CountSnapshot {
  labels: number[]
  counts: Float64Array
  mixed: Uint8Array
  candidate: Float64Array
  votes: Float64Array
  first: Float64Array
  metricSums: Float64Array
}

const DENSE_LIMIT = 1 << 20
const FIRST_BLOCK = 16
const MAX_BLOCK = 1 << 16

/**
 * Units of a firings file in the order their labels first appear: a slot per label, its spike count,
 * its channel by majority vote (Boyer-Moore: exact whenever one channel holds more than half of the
 * unit's events, which is every MountainSort cluster), the sums of the extra rows, and the spike times
 * themselves in per-unit blocks that double in size (16 values up to 64 Ki), so the one pass over the
 * file files every time under its unit and at most half of each unit's last block is unused. Typed
 * arrays that grow by doubling keep the per-event path to a few array reads.
 */
export class LabelTable {
  readonly labels: number[] = []
  counts = new Float64Array(16)
  /** 1 for units whose events name more than one channel. */
  mixed = new Uint8Array(16)
  candidate = new Float64Array(16)
  votes = new Float64Array(16)
  first = new Float64Array(16)
  metricSums: Float64Array
  /** Each unit's block being filled, and how far. */
  readonly current: Float64Array[] = []
  fill = new Int32Array(16)
  /** Each unit's latest time in ms, and whether every train so far is non-decreasing. */
  last = new Float64Array(16)
  sorted = true
  private readonly full: Float64Array[][] = []
  /** label -> slot + 1 for labels below 2^20 (0: not seen yet). */
  dense = new Int32Array(0)
  private readonly sparse = new Map<number, number>()

  constructor(readonly extraRows: number) {
    this.metricSums = new Float64Array(16 * extraRows)
  }

  get size(): number {
    return this.labels.length
  }

  /** The slot of `label`, made on first sight with `channel` as its first channel (no event counted). */
  slotOf(label: number, channel: number): number {
    if (label < DENSE_LIMIT) {
      if (label >= this.dense.length) this.dense = grown(this.dense, Math.min(DENSE_LIMIT, Math.max(64, label + 1, this.dense.length * 2)))
      const known = this.dense[label]
      if (known > 0) return known - 1
      const slot = this.create(label, channel)
      this.dense[label] = slot + 1
      return slot
    }
    const known = this.sparse.get(label)
    if (known !== undefined) return known
    const slot = this.create(label, channel)
    this.sparse.set(label, slot)
    return slot
  }

  /** The slot of a label already seen, or -1. */
  find(label: number): number {
    if (!isIndex(label)) return -1
    if (label < DENSE_LIMIT) return label < this.dense.length ? this.dense[label] - 1 : -1
    return this.sparse.get(label) ?? -1
  }

  /** Records an event on a channel other than the slot's current candidate (the vote's slow path). */
  voteOther(slot: number, channel: number): void {
    if (channel !== this.first[slot]) this.mixed[slot] = 1
    if (this.votes[slot] === 0) {
      this.candidate[slot] = channel
      this.votes[slot] = 1
    } else this.votes[slot]--
  }

  /** A new block for `slot`, its last one being full. */
  nextBlock(slot: number): Float64Array {
    const last = this.current[slot]
    this.full[slot].push(last)
    const block = new Float64Array(Math.min(MAX_BLOCK, last.length * 2))
    this.current[slot] = block
    this.fill[slot] = 0
    return block
  }

  /** The spike times of the slots in `order`, one after the other, in one array of `total` values. */
  concat(order: readonly number[], total: number): Float64Array {
    const out = new Float64Array(total)
    let at = 0
    for (const slot of order) {
      for (const block of this.full[slot]) {
        out.set(block, at)
        at += block.length
      }
      out.set(this.current[slot].subarray(0, this.fill[slot]), at)
      at += this.fill[slot]
    }
    return out
  }

  /** The counting state of every slot (what a helper thread that counted part of the file hands back). */
  snapshot(): CountSnapshot {
    const n = this.size
    const { counts, mixed, candidate, votes, first, metricSums } = this
    return { labels: [...this.labels], counts: counts.slice(0, n), mixed: mixed.slice(0, n), candidate: candidate.slice(0, n), votes: votes.slice(0, n), first: first.slice(0, n), metricSums: metricSums.slice(0, n * this.extraRows) }
  }

  /**
   * Adds the counts of other events of the same file: counts and metric sums add up, a unit is mixed if
   * either side saw two channels or their first channels differ, and the channel votes combine as
   * Boyer-Moore summaries do (still exact whenever one channel holds more than half of the unit's events).
   */
  merge(other: CountSnapshot): void {
    const extra = this.extraRows
    other.labels.forEach((label, i) => {
      const slot = this.slotOf(label, other.first[i])
      this.counts[slot] += other.counts[i]
      if (other.mixed[i] === 1 || this.first[slot] !== other.first[i]) this.mixed[slot] = 1
      if (this.candidate[slot] === other.candidate[i]) this.votes[slot] += other.votes[i]
      else if (this.votes[slot] >= other.votes[i]) this.votes[slot] -= other.votes[i]
      else {
        this.candidate[slot] = other.candidate[i]
        this.votes[slot] = other.votes[i] - this.votes[slot]
      }
      for (let k = 0; k < extra; k++) this.metricSums[slot * extra + k] += other.metricSums[i * extra + k]
    })
  }

  channelOf(slot: number): number {
    return this.candidate[slot]
  }

  private create(label: number, channel: number): number {
    const slot = this.labels.length
    if (slot === this.counts.length) {
      const n = slot * 2
      this.counts = grown(this.counts, n)
      this.mixed = grown(this.mixed, n)
      this.candidate = grown(this.candidate, n)
      this.votes = grown(this.votes, n)
      this.first = grown(this.first, n)
      this.metricSums = grown(this.metricSums, n * this.extraRows)
      this.fill = grown(this.fill, n)
      this.last = grown(this.last, n)
    }
    this.current.push(new Float64Array(FIRST_BLOCK))
    this.full.push([])
    this.labels.push(label)
    this.candidate[slot] = channel
    this.first[slot] = channel
    return slot
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array)
  return next
}

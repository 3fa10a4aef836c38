const DENSE_LIMIT = 1 << 20

/**
 * Units of a firings file in the order their labels first appear: a slot per label, its spike count,
 * its channel by majority vote (Boyer-Moore: exact whenever one channel holds more than half of the
 * unit's events, which is every MountainSort cluster) and the sums of the extra rows.
 */
export class LabelTable {
  readonly labels: number[] = []
  readonly counts: number[] = []
  /** True for units whose events name more than one channel. */
  readonly mixed: boolean[] = []
  private readonly candidate: number[] = []
  private readonly votes: number[] = []
  private readonly first: number[] = []
  readonly metricSums: number[] = []
  private dense = new Int32Array(0)
  private readonly sparse = new Map<number, number>()

  constructor(readonly extraRows: number) {}

  /** The slot of `label`, made on first sight; records one event on `channel`. */
  add(label: number, channel: number): number {
    let slot: number
    if (label < DENSE_LIMIT) {
      if (label >= this.dense.length) this.grow(label)
      slot = this.dense[label] - 1
      if (slot < 0) {
        slot = this.create(label, channel)
        this.dense[label] = slot + 1
      }
    } else {
      const known = this.sparse.get(label)
      if (known === undefined) {
        slot = this.create(label, channel)
        this.sparse.set(label, slot)
      } else slot = known
    }
    this.counts[slot]++
    if (channel !== this.first[slot]) this.mixed[slot] = true
    if (channel === this.candidate[slot]) this.votes[slot]++
    else if (this.votes[slot] === 0) {
      this.candidate[slot] = channel
      this.votes[slot] = 1
    } else this.votes[slot]--
    return slot
  }

  channelOf(slot: number): number {
    return this.candidate[slot]
  }

  private create(label: number, channel: number): number {
    const slot = this.labels.length
    this.labels.push(label)
    this.counts.push(0)
    this.mixed.push(false)
    this.candidate.push(channel)
    this.votes.push(0)
    this.first.push(channel)
    for (let k = 0; k < this.extraRows; k++) this.metricSums.push(0)
    return slot
  }

  private grow(label: number): void {
    const next = new Int32Array(Math.min(DENSE_LIMIT, Math.max(64, label + 1, this.dense.length * 2)))
    next.set(this.dense)
    this.dense = next
  }
}

import { badEventFault, changedFault, isIndex } from './event-faults.js'
import type { LabelTable } from './label-table.js'

/**
 * The first of two passes: checks each event, makes a slot per label and counts its events, its
 * channel vote and its metric sums; no time is stored yet.
 */
export function countChunk(values: ArrayLike<number>, count: number, rows: number, start: number, table: LabelTable): void {
  let { dense, counts, candidate, votes } = table
  const extra = rows - 3
  for (let e = 0, at = 0; e < count; e++, at += rows) {
    const channel = values[at]
    const time = values[at + 1]
    const label = values[at + 2]
    let slot = (label >>> 0) === label && label < dense.length ? dense[label] - 1 : -1
    if (slot < 0 || !(time >= 0 && time < Infinity)) {
      if (!(isIndex(label) && isIndex(channel) && time >= 0 && time < Infinity)) throw badEventFault(start + e, channel, time, label)
      slot = table.slotOf(label, channel)
      ;({ dense, counts, candidate, votes } = table)
    }
    counts[slot]++
    // A unit's candidate channel was checked when it became the candidate: only another channel needs the check.
    if (channel === candidate[slot]) votes[slot]++
    else if (isIndex(channel)) table.voteOther(slot, channel)
    else throw badEventFault(start + e, channel, time, label)
    if (extra > 0) for (let k = 0; k < extra; k++) table.metricSums[slot * extra + k] += values[at + 3 + k]
  }
}

/**
 * The second pass: each time, in ms, to its unit's next place in `times` (`cursor[slot]` up to
 * `end[slot]`), noting whether every train is in order (here, not in the first pass: the claim must
 * hold for the times written, even if the file changed in between). A label the first pass did not see, or more
 * events than it counted, means the file changed between the passes.
 */
export function scatterChunk(
  values: ArrayLike<number>,
  count: number,
  rows: number,
  start: number,
  fsHz: number,
  table: LabelTable,
  cursor: Uint32Array | Float64Array,
  end: Uint32Array | Float64Array,
  times: Float64Array,
): void {
  const { dense, last } = table
  let sorted = table.sorted
  for (let e = 0, at = 0; e < count; e++, at += rows) {
    const time = values[at + 1]
    const label = values[at + 2]
    const slot = (label >>> 0) === label && label < dense.length ? dense[label] - 1 : table.find(label)
    if (slot < 0 || cursor[slot] === end[slot] || !(time >= 0 && time < Infinity)) throw changedFault(start + e)
    const ms = (time / fsHz) * 1e3
    if (ms < last[slot]) sorted = false
    last[slot] = ms
    times[cursor[slot]++] = ms
  }
  table.sorted = sorted
}

/**
 * The second pass from the other end, for a helper thread that takes chunks from the end of the file: each
 * time, last event first, to its unit's previous place in `times` (`cursor[slot]` down to `floor[slot]`),
 * `earliest[slot]` keeping the unit's earliest time written so far. Returns false when a train is out of order.
 */
export function scatterChunkBackward(
  values: ArrayLike<number>,
  count: number,
  rows: number,
  start: number,
  fsHz: number,
  table: LabelTable,
  cursor: Uint32Array | Float64Array,
  floor: Uint32Array | Float64Array,
  earliest: Float64Array,
  times: Float64Array,
): boolean {
  const { dense } = table
  let sorted = true
  for (let e = count - 1, at = e * rows; e >= 0; e--, at -= rows) {
    const time = values[at + 1]
    const label = values[at + 2]
    const slot = (label >>> 0) === label && label < dense.length ? dense[label] - 1 : table.find(label)
    if (slot < 0 || cursor[slot] === floor[slot] || !(time >= 0 && time < Infinity)) throw changedFault(start + e)
    const ms = (time / fsHz) * 1e3
    if (ms > earliest[slot]) sorted = false
    earliest[slot] = ms
    times[--cursor[slot]] = ms
  }
  return sorted
}

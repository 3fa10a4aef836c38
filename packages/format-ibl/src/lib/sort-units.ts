import { stableTimeOrder } from '@spikes/core/loader-utils'

/**
 * Time-sorts each unit's slice of `times` that is out of order, moving the per-spike `extras`
 * (spikes.amps, spikes.depths) with it, so that a unit's i-th amplitude stays its i-th spike's. The sort
 * is stable: spikes at the same time keep their file order. Units already in order (every IBL sorting
 * writes spikes.times sorted) cost one comparison per spike.
 */
export function sortUnitsWithExtras(times: Float64Array, offsets: ArrayLike<number>, extras: readonly Float64Array[]): void {
  for (let u = 0; u + 1 < offsets.length; u++) {
    const order = stableTimeOrder(times, offsets[u], offsets[u + 1])
    if (!order) continue
    permute(times, offsets[u], order)
    for (const values of extras) permute(values, offsets[u], order)
  }
}

function permute(values: Float64Array, start: number, order: Int32Array): void {
  const copy = values.slice(start, start + order.length)
  for (let k = 0; k < order.length; k++) values[start + k] = copy[order[k]]
}

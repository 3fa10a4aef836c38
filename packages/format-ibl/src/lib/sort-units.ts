/**
 * Time-sorts each unit's slice of `times` that is out of order, moving the per-spike `extras`
 * (spikes.amps, spikes.depths) with it, so that a unit's i-th amplitude stays its i-th spike's. The sort
 * is stable (numpy's argsort kind='stable'): spikes at the same time keep their file order. Units
 * already in order (every IBL sorting writes spikes.times sorted) cost one comparison per spike.
 */
export function sortUnitsWithExtras(times: Float64Array, offsets: ArrayLike<number>, extras: readonly Float64Array[]): void {
  for (let u = 0; u + 1 < offsets.length; u++) {
    const start = offsets[u]
    const end = offsets[u + 1]
    if (isSorted(times, start, end)) continue
    const order = Array.from({ length: end - start }, (_, k) => k)
    // NaN compares as a tie here; SpikeData refuses NaN spike times afterwards anyway.
    order.sort((a, b) => times[start + a] - times[start + b] || a - b)
    permute(times, start, order)
    for (const values of extras) permute(values, start, order)
  }
}

function isSorted(times: Float64Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (times[i] < times[i - 1]) return false
  return true
}

function permute(values: Float64Array, start: number, order: readonly number[]): void {
  const copy = values.slice(start, start + order.length)
  for (let k = 0; k < order.length; k++) values[start + k] = copy[order[k]]
}

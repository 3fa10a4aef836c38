// A loader that has already looked at every spike time in its own pass (e.g. the KiloSort scatter) can
// say so, sparing SpikeData a second O(spikes) pass over hundreds of MB. The claim is narrow and used
// once: it covers one Float64Array, and the next SpikeData built on that array consumes it.
const vouched = new WeakSet<Float64Array>()

/**
 * For loaders whose own pass has checked every spike time of `times`: each train non-decreasing (no
 * NaN). The next SpikeData constructed on `times` then skips its per-spike sort check and checks only
 * each train's first and last time (finite, inside the window): O(units) instead of O(spikes). A wrong
 * claim leaves unsorted trains, so call it only right after a loop that compared every time with the
 * previous one of its train.
 */
export function vouchSortedTrains(times: Float64Array): void {
  vouched.add(times)
}

/** True once for `times` after vouchSortedTrains(times). @internal */
export function takeVouchedTrains(times: Float64Array): boolean {
  return vouched.delete(times)
}

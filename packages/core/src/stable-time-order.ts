/**
 * The stable time order of `times[start, end)` when it is stored out of order (numpy's argsort kind='stable':
 * equal times keep their stored order), as positions relative to `start`; undefined when it is already
 * non-decreasing, which costs one comparison per value. For loaders whose per-spike values (amplitudes,
 * depths) must follow a train that SpikeData would otherwise sort on its own.
 */
export function stableTimeOrder(times: ArrayLike<number>, start = 0, end = times.length): Int32Array | undefined {
  let sorted = true
  for (let k = start + 1; k < end && sorted; k++) if (times[k] < times[k - 1]) sorted = false
  if (sorted) return undefined
  const order = Int32Array.from({ length: end - start }, (_, k) => k)
  // NaN compares as a tie here; SpikeData refuses NaN spike times afterwards anyway.
  return order.sort((a, b) => times[start + a] - times[start + b] || a - b)
}

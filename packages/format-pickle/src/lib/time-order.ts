/**
 * The stable time order of a train stored out of order (numpy's argsort kind='stable': equal times keep
 * their stored order), or undefined when it is already non-decreasing.
 */
export function timeOrder(train: Float64Array): Int32Array | undefined {
  let sorted = true
  for (let k = 1; k < train.length && sorted; k++) if (train[k] < train[k - 1]) sorted = false
  if (sorted) return undefined
  const order = Int32Array.from({ length: train.length }, (_, k) => k)
  // NaN compares as a tie here; such a train is refused afterwards anyway.
  return order.sort((a, b) => train[a] - train[b] || a - b)
}

/** `values` rearranged as order says (a per-spike array following its time-sorted train), same array type. */
export function reorderLike<T extends ArrayLike<unknown>>(values: T, order: Int32Array): T {
  const out = (Array.isArray(values) ? new Array(order.length) : new (values.constructor as new (n: number) => T)(order.length)) as unknown as { [k: number]: unknown }
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]]
  return out as unknown as T
}

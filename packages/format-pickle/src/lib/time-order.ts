/** `values` rearranged as order says (a per-spike array following its time-sorted train), same array type. */
export function reorderLike<T extends ArrayLike<unknown>>(values: T, order: Int32Array): T {
  const out = (Array.isArray(values) ? new Array(order.length) : new (values.constructor as new (n: number) => T)(order.length)) as unknown as { [k: number]: unknown }
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]]
  return out as unknown as T
}

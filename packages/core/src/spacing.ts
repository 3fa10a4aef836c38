/** numpy.spacing(x) for x >= 0: the distance to the next larger float64. */
export function spacing(x: number): number {
  const a = Math.abs(x)
  if (!Number.isFinite(a)) return NaN
  if (a === 0) return Number.MIN_VALUE
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, a)
  const bits = buf.getBigUint64(0)
  buf.setBigUint64(0, bits + 1n)
  const next = buf.getFloat64(0) - a
  return x < 0 ? -next : next
}

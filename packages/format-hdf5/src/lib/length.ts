/** The next float64 above x (numpy.nextafter(x, inf)); for x >= 0 this is x + numpy.spacing(x). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x === 0) return Number.MIN_VALUE
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n)
  return view.getFloat64(0)
}

/**
 * Length of ragged and group-per-unit data without a stored length: the largest spike pushed up by one
 * float step, minus the start (SpikeLab commit e2c994b; the corpus's "last spike - start + spacing").
 * 0 when there are no spikes.
 */
export function inferredLength(times: Float64Array, startTimeMs: number): number {
  let max = -Infinity
  for (let i = 0; i < times.length; i++) if (times[i] > max) max = times[i]
  if (max === -Infinity) return 0
  return nextUp(max) - startTimeMs
}

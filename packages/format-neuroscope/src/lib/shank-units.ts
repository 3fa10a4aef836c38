const DENSE_LIMIT = 1 << 20

/** One shank's spikes and the clusters kept from it, in ascending cluster order. */
export interface ShankUnits {
  shank: number
  res: Float64Array
  ids: Float64Array
  clusters: number[]
  counts: number[]
  kept: number
  /** The unit slot of a cluster id within this shank, or -1 when the cluster is dropped. */
  slotOf(id: number): number
}

/** Counts spikes per cluster id (non-negative integers, as readIntegerLines gives them): a dense table for ids below 2^20, a Map above; and numbers the kept clusters. */
export function countClusters(shank: number, res: Float64Array, ids: Float64Array, keep: (cluster: number) => boolean): ShankUnits {
  let max = -1
  for (let k = 0; k < ids.length; k++) if (ids[k] > max) max = ids[k]
  const all = new Map<number, number>()
  if (max < DENSE_LIMIT) {
    const dense = new Float64Array(max + 1)
    for (let k = 0; k < ids.length; k++) dense[ids[k]]++
    dense.forEach((n, id) => n > 0 && all.set(id, n))
  } else {
    for (let k = 0; k < ids.length; k++) all.set(ids[k], (all.get(ids[k]) ?? 0) + 1)
  }
  const clusters = [...all.keys()].filter(keep).sort((a, b) => a - b)
  const counts = clusters.map((c) => all.get(c)!)
  const slots = new Map(clusters.map((c, i) => [c, i]))
  const denseSlots = max < DENSE_LIMIT ? new Int32Array(max + 1).fill(-1) : undefined
  if (denseSlots) clusters.forEach((c, i) => (denseSlots[c] = i))
  return {
    shank,
    res,
    ids,
    clusters,
    counts,
    kept: counts.reduce((a, b) => a + b, 0),
    slotOf: denseSlots ? (id) => denseSlots[id] : (id) => slots.get(id) ?? -1,
  }
}

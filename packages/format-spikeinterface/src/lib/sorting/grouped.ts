import type { UnitId } from './unit-id.js'

/**
 * A sorting's chosen segment, grouped by unit, still in samples: unit k's spikes are
 * `samples[offsets[k] .. offsets[k + 1])`, sorted. Properties are rows aligned with `unitIds`.
 */
export interface GroupedSorting {
  unitIds: UnitId[]
  offsets: Float64Array
  samples: Float64Array
  properties: Map<string, unknown[]>
}

/**
 * Allocates the grouped output from per-unit counts: offsets by prefix sum, one sample array, and the
 * write cursors (the start of each unit's slice).
 */
export function allocateGroups(counts: Float64Array): { offsets: Float64Array; samples: Float64Array; cursor: Float64Array } {
  const n = counts.length
  const offsets = new Float64Array(n + 1)
  for (let k = 0; k < n; k++) offsets[k + 1] = offsets[k] + counts[k]
  return { offsets, samples: new Float64Array(offsets[n]), cursor: offsets.slice(0, n) }
}

/** Sorts, in place, each unit whose spikes arrived out of order (`unsorted[k] === 1`); returns how many were sorted. */
export function sortUnsortedUnits(offsets: Float64Array, samples: Float64Array, unsorted: Uint8Array): number {
  let sorted = 0
  for (let k = 0; k < unsorted.length; k++) {
    if (!unsorted[k]) continue
    samples.subarray(offsets[k], offsets[k + 1]).sort()
    sorted++
  }
  return sorted
}

/**
 * The curated sorting: the `kept` units (indices into `sorting`), then one unit per merge group (the members'
 * spikes, sorted), named `newIds`. One allocation for the samples. A property keeps a merged unit's value
 * only when all its members agree (compared as JSON), else undefined.
 */
export function keepAndMerge(sorting: GroupedSorting, kept: readonly number[], groups: readonly number[][], newIds: readonly UnitId[]): GroupedSorting {
  const count = (k: number) => sorting.offsets[k + 1] - sorting.offsets[k]
  const sizes = [...kept.map(count), ...groups.map((g) => g.reduce((s, k) => s + count(k), 0))]
  const offsets = new Float64Array(sizes.length + 1)
  sizes.forEach((s, i) => (offsets[i + 1] = offsets[i] + s))
  const samples = new Float64Array(offsets[sizes.length])
  let at = 0
  const copy = (k: number) => {
    samples.set(sorting.samples.subarray(sorting.offsets[k], sorting.offsets[k + 1]), at)
    at += count(k)
  }
  kept.forEach(copy)
  groups.forEach((g, i) => {
    g.forEach(copy)
    samples.subarray(offsets[kept.length + i], offsets[kept.length + i + 1]).sort()
  })
  const properties = new Map<string, unknown[]>()
  for (const [name, rows] of sorting.properties) {
    properties.set(name, [...kept.map((k) => rows[k]), ...groups.map((g) => commonValue(g.map((k) => rows[k])))])
  }
  return { unitIds: [...kept.map((k) => sorting.unitIds[k]), ...newIds], offsets, samples, properties }
}

/** The members' value when they all agree (compared as JSON), else undefined. */
function commonValue(values: unknown[]): unknown {
  const first = JSON.stringify(values[0])
  return values.every((v) => JSON.stringify(v) === first) ? values[0] : undefined
}

import type { UnitId } from './check-options.js'

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

import { SlotTable } from './cluster-index.js'
import type { UnitPlan } from './grouping.js'

/**
 * KiloSort 4's spike_positions.npy ((n_spikes, 2) or (n_spikes, 3): each spike's estimated position in µm,
 * in channel_positions' frame), gathered per kept unit alongside pass 2, to give each unit's median position.
 */
export class PositionCollector {
  private readonly slots: SlotTable
  private readonly cursor: Float64Array
  private readonly values: Float32Array

  constructor(
    private readonly plan: UnitPlan,
    readonly width: number,
  ) {
    this.slots = new SlotTable(plan.unique, plan.slots)
    this.cursor = Float64Array.from(plan.offsets.slice(0, -1))
    this.values = new Float32Array(plan.offsets[plan.offsets.length - 1] * width)
  }

  add(ids: ArrayLike<number>, positions: ArrayLike<number>): void {
    const w = this.width
    const n = Math.min(ids.length, Math.floor(positions.length / w))
    for (let i = 0; i < n; i++) {
      const s = this.slots.get(ids[i])
      if (s < 0) continue
      const at = this.cursor[s]++
      for (let d = 0; d < w; d++) this.values[at * w + d] = positions[i * w + d]
    }
  }

  /** Each unit's median position per coordinate (numpy.median: the mean of the two middle values); NaN values ignored; null for a unit without spikes. */
  medians(): (number[] | null)[] {
    const { offsets } = this.plan
    const w = this.width
    return this.plan.keptIds.map((_, u) => {
      const count = offsets[u + 1] - offsets[u]
      if (count === 0) return null
      const out: number[] = []
      for (let d = 0; d < w; d++) {
        const column = new Float64Array(count)
        let n = 0
        for (let i = 0; i < count; i++) {
          const v = this.values[(offsets[u] + i) * w + d]
          if (!Number.isNaN(v)) column[n++] = v
        }
        const sorted = column.subarray(0, n).sort()
        out.push(n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2)
      }
      return out
    })
  }
}

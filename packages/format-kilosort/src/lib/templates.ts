import { SlotTable } from './cluster-index.js'

/** A (cluster × template) table larger than this many cells counts in a Map instead. */
const DENSE_PAIRS = 1 << 24

/**
 * Counts, per cluster, the spikes of each template (spike_templates.npy, fed chunk by chunk alongside the
 * cluster ids), to give each cluster's most frequent template (numpy: unique(tpls, return_counts)
 * [counts.argmax()], so ties go to the smallest template id).
 */
export class TemplateTally {
  private readonly index: SlotTable
  private readonly clusters: number
  private width: number
  private dense: Uint32Array | undefined
  private readonly other = new Map<number, Map<number, number>>()

  constructor(unique: readonly number[], templatesHint = 64) {
    this.index = new SlotTable(unique, unique.map((_, k) => k))
    this.clusters = unique.length
    this.width = Math.max(1, templatesHint)
    this.dense = this.clusters * this.width <= DENSE_PAIRS ? new Uint32Array(this.clusters * this.width) : undefined
  }

  add(ids: ArrayLike<number>, templates: ArrayLike<number>): void {
    const n = Math.min(ids.length, templates.length)
    for (let i = 0; i < n; i++) {
      const u = this.index.get(ids[i])
      if (u < 0) continue
      const tpl = Math.trunc(templates[i])
      if (this.dense && tpl >= this.width && tpl < DENSE_PAIRS) this.grow(tpl + 1)
      if (this.dense && tpl >= 0 && tpl < this.width) this.dense[u * this.width + tpl]++
      else {
        let m = this.other.get(u)
        if (!m) this.other.set(u, (m = new Map()))
        m.set(tpl, (m.get(tpl) ?? 0) + 1)
      }
    }
  }

  private grow(needed: number): void {
    let width = this.width
    while (width < needed) width *= 2
    if (this.clusters * width > DENSE_PAIRS) return
    const grown = new Uint32Array(this.clusters * width)
    for (let u = 0; u < this.clusters; u++) grown.set(this.dense!.subarray(u * this.width, (u + 1) * this.width), u * width)
    this.dense = grown
    this.width = width
  }

  /** The dominant template of each cluster (in `unique` order); -1 for a cluster without spikes. */
  dominant(): number[] {
    const out: number[] = new Array(this.clusters).fill(-1)
    for (let u = 0; u < this.clusters; u++) {
      let best = -1
      let bestCount = 0
      const consider = (tpl: number, n: number): void => {
        if (n > bestCount || (n === bestCount && n > 0 && tpl < best)) {
          best = tpl
          bestCount = n
        }
      }
      if (this.dense) for (let k = 0; k < this.width; k++) consider(k, this.dense[u * this.width + k])
      const m = this.other.get(u)
      if (m) for (const [tpl, n] of m) consider(tpl, n)
      out[u] = best
    }
    return out
  }
}

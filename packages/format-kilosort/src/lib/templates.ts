import type { ByteSource } from '@spikes/core'
import { readNpyChunks } from '@spikes/numpy'
import { SlotTable } from './cluster-index.js'
import { CHUNK_LENGTH } from './constants.js'

/** A (cluster × template) count table larger than this uses a Map instead of a typed array. */
const DENSE_PAIRS = 1 << 24

/**
 * The most frequent template of each cluster (numpy: unique(tpls, return_counts)[counts.argmax()],
 * so ties go to the smallest template id), in one pass over both per-spike arrays.
 */
export async function dominantTemplates(unique: readonly number[], clustersSource: ByteSource, templatesSource: ByteSource, signal?: AbortSignal): Promise<number[]> {
  const index = new SlotTable(unique, unique.map((_, k) => k))
  const U = unique.length
  // First pass over the templates finds their range, so the dense table can be sized.
  let maxTemplate = -1
  for await (const chunk of readNpyChunks(templatesSource, { chunkLength: CHUNK_LENGTH, signal })) {
    const d = chunk.data as ArrayLike<number>
    for (let i = 0; i < d.length; i++) if (d[i] > maxTemplate) maxTemplate = d[i]
  }
  const K = Math.max(0, Math.floor(maxTemplate) + 1)
  const dense = U * K <= DENSE_PAIRS ? new Uint32Array(U * K) : undefined
  const other = new Map<number, Map<number, number>>()
  const ids = readNpyChunks(clustersSource, { chunkLength: CHUNK_LENGTH, signal })
  const tpls = readNpyChunks(templatesSource, { chunkLength: CHUNK_LENGTH, signal })
  for (;;) {
    const [c, t] = await Promise.all([ids.next(), tpls.next()])
    if (c.done || t.done) break
    const cd = c.value.data as ArrayLike<number>
    const td = t.value.data as ArrayLike<number>
    for (let i = 0; i < cd.length; i++) {
      const u = index.get(cd[i])
      if (u < 0) continue
      const tpl = Math.trunc(td[i])
      if (dense && tpl >= 0 && tpl < K) dense[u * K + tpl]++
      else {
        let m = other.get(u)
        if (!m) other.set(u, (m = new Map()))
        m.set(tpl, (m.get(tpl) ?? 0) + 1)
      }
    }
  }
  const out: number[] = new Array(U).fill(-1)
  for (let u = 0; u < U; u++) {
    let best = -1
    let bestCount = 0
    const consider = (tpl: number, n: number): void => {
      if (n > bestCount || (n === bestCount && n > 0 && tpl < best)) {
        best = tpl
        bestCount = n
      }
    }
    if (dense) for (let k = 0; k < K; k++) consider(k, dense[u * K + k])
    const m = other.get(u)
    if (m) for (const [tpl, n] of m) consider(tpl, n)
    out[u] = best
  }
  return out
}

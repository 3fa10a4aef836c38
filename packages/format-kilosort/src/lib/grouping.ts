import { InvalidDataError, type ByteSource, type LoadContext } from '@spikes/core'
import { readNpyByteChunks, readNpyChunks, type NpyByteChunk, type NpyChunk } from '@spikes/numpy'
import type { TimeUnit } from '@spikes/core/loader-utils'
import { SlotTable } from './cluster-index.js'
import { CHUNK_LENGTH } from './constants.js'
import { ScatterTarget, scatterChunk, scatterInt64Chunk } from './scatter.js'
import type { SpikeFiles } from './spike-files.js'

/** Which clusters become units: their ids (ascending), the unit slot of each cluster (-1: dropped) and the units' offsets. */
export interface UnitPlan {
  unique: number[]
  slots: number[]
  keptIds: number[]
  offsets: number[]
}

/** The plan for `keep` (undefined: every cluster). */
export function planUnits(unique: number[], counts: number[], keep: Set<number> | undefined): UnitPlan {
  const keptIds: number[] = []
  const offsets: number[] = [0]
  const slots: number[] = new Array(unique.length).fill(-1)
  for (let k = 0; k < unique.length; k++) {
    if (keep !== undefined && !keep.has(unique[k])) continue
    slots[k] = keptIds.length
    keptIds.push(unique[k])
    offsets.push(offsets[offsets.length - 1] + counts[k])
  }
  return { unique, slots, keptIds, offsets }
}

/**
 * Another per-spike file read alongside pass 2 (spike_templates, spike_positions): it gets each chunk
 * of its values with the cluster ids of the same spikes. `width` values per spike.
 */
export interface SideStream {
  source: ByteSource
  width: number
  consume(ids: ArrayLike<number>, values: ArrayLike<number>): void
}

/**
 * Pass 2: streams the spike times with the cluster ids (and any side streams) and writes each kept
 * spike into its unit's slice, in ms. Returns the times, the largest one, and whether every train came
 * out non-decreasing (checked spike by spike as it was written).
 */
export async function scatterSpikes(files: SpikeFiles, plan: UnitPlan, unit: TimeUnit, fsHz: number, context: LoadContext, sides: SideStream[] = []): Promise<{ times: Float64Array; max: number; sorted: boolean }> {
  const target = new ScatterTarget(plan.offsets)
  const slotTable = new SlotTable(plan.unique, plan.slots)
  if (target.out.length === 0) return { times: target.out, max: -Infinity, sorted: true }
  const signal = context.signal
  const { kind, itemsize, byteOrder, descr } = files.timesHeader.dtype
  // int64 / uint64 sample indices (KiloSort's own dtype) are decoded inside the scatter loop.
  const wordPath = (kind === 'u' || kind === 'i') && itemsize === 8 && byteOrder === '<'
  // Each file streams through two buffers allocated once (the next chunk is read while this one is scattered).
  const options = { chunkLength: CHUNK_LENGTH, signal, reuse: true }
  const idChunks = readNpyChunks(files.clusters, { ...options, header: files.clustersHeader })
  const timesChunks = wordPath ? readNpyByteChunks(files.times, { ...options, header: files.timesHeader }) : readNpyChunks(files.times, { ...options, header: files.timesHeader })
  const sideChunks = sides.map((s) => readNpyChunks(s.source, { chunkLength: CHUNK_LENGTH * s.width, signal, reuse: true }))
  let done = 0
  for (;;) {
    const [t, c, ...rest] = await Promise.all([timesChunks.next(), idChunks.next(), ...sideChunks.map((g) => g.next())])
    if (t.done || c.done) break
    const ids = c.value.data as ArrayLike<number>
    if (wordPath) {
      const start = done
      const tooLarge = (i: number): never => {
        throw new InvalidDataError(`${files.timesFile}: spike time ${start + i} is beyond 2^53 samples and cannot be represented exactly as a JavaScript number.`, { file: files.timesFile, index: start + i, dtype: descr, limit: 2 ** 53 })
      }
      scatterInt64Chunk((t.value as NpyByteChunk).bytes, kind === 'i', ids, slotTable, target, unit, fsHz, tooLarge)
    } else {
      scatterChunk((t.value as NpyChunk).data as ArrayLike<number>, ids, slotTable, target, unit, fsHz)
    }
    rest.forEach((r, k) => {
      if (!r.done) sides[k].consume(ids, (r.value as NpyChunk).data as ArrayLike<number>)
    })
    done += ids.length
    context.progress({ phase: 'spikes', loaded: done, total: files.nSpikes, unit: 'spikes' })
  }
  return { times: target.out, max: target.max(), sorted: target.sorted }
}

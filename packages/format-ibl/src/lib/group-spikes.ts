import { InvalidDataError, throwIfAborted, type ByteSource } from '@spikes/core'
import { sortUnitsWithExtras } from './sort-units.js'

const CHUNK = 1 << 20
const MAX_CLUSTER_ID = 100_000_000

export interface SpikeFiles {
  readonly times: ByteSource
  readonly clusters: ByteSource
  /** Per-spike values grouped alongside the times (spikes.amps, spikes.depths). */
  readonly extras?: Readonly<Record<string, ByteSource>>
}

export interface ClusterCounts {
  /** counts[id] = spikes of cluster id (ids above the largest seen are absent). */
  readonly counts: Float64Array
  readonly nSpikes: number
}

export interface GroupedSpikes {
  /** Milliseconds (seconds * 1e3), unit by unit; time-sorted within a unit when there are extras (else in file order). */
  readonly times: Float64Array
  readonly offsets: Float64Array
  readonly extras: Record<string, Float64Array>
  /** Largest time written (ms); -Infinity when no spike. */
  readonly maxMs: number
}

async function vectorLengthOf(source: ByteSource): Promise<number> {
  const { readNpyHeader, vectorLength } = await import('@spikes/numpy')
  const header = await readNpyHeader(source)
  const n = vectorLength(header.shape)
  if (n === undefined) throw new InvalidDataError(`${source.name} has shape (${header.shape.join(', ')}); one value per spike (a vector) was expected.`, { file: source.name, shape: [...header.shape] })
  return n
}

function badId(file: string, index: number, value: number): InvalidDataError {
  return new InvalidDataError(`${file}: spike ${index} has cluster ${value}; cluster ids are non-negative integers (at most ${MAX_CLUSTER_ID}).`, { file, index, value })
}

/** Pass 1: spikes per cluster id, reading spikes.clusters in chunks. */
export async function countClusters(clusters: ByteSource, signal?: AbortSignal): Promise<ClusterCounts> {
  const { readNpyChunks } = await import('@spikes/numpy')
  await vectorLengthOf(clusters)
  let counts = new Float64Array(1024)
  let n = 0
  for await (const { start, data } of readNpyChunks(clusters, { chunkLength: CHUNK, signal })) {
    const ids = data as ArrayLike<number>
    const len = ids.length
    for (let i = 0; i < len; i++) {
      const id = ids[i]
      if (id >= 0 && id < counts.length && id === Math.floor(id)) {
        counts[id]++
        continue
      }
      if (!(id >= 0) || id !== Math.floor(id) || id > MAX_CLUSTER_ID) throw badId(clusters.name, start + i, Number(id))
      const grown = new Float64Array(Math.max(id + 1, counts.length * 2))
      grown.set(counts)
      counts = grown
      counts[id]++
    }
    n += len
  }
  let last = counts.length - 1
  while (last >= 0 && counts[last] === 0) last--
  return { counts: counts.subarray(0, last + 1), nSpikes: n }
}

/** Cluster ids that have spikes, ascending (numpy.unique of spikes.clusters). */
export function presentClusters(counts: ClusterCounts): number[] {
  const out: number[] = []
  for (let id = 0; id < counts.counts.length; id++) if (counts.counts[id] > 0) out.push(id)
  return out
}

/**
 * Pass 2: one output array filled in place, unit by unit, for the clusters in `unitClusters`
 * (the units' order; a cluster listed twice gets two copies of its train, a cluster without spikes an
 * empty train). Times are converted to ms as SpikeLab does (seconds * 1e3).
 */
export async function groupSpikes(files: SpikeFiles, counts: ClusterCounts, unitClusters: readonly number[], signal?: AbortSignal): Promise<GroupedSpikes> {
  const { readNpyChunks } = await import('@spikes/numpy')
  const nTimes = await vectorLengthOf(files.times)
  if (nTimes !== counts.nSpikes) {
    throw new InvalidDataError(`${files.times.name} has ${nTimes} values but ${files.clusters.name} has ${counts.nSpikes}; both hold one value per spike.`, { times: nTimes, clusters: counts.nSpikes })
  }
  const extraNames = Object.keys(files.extras ?? {})
  for (const name of extraNames) {
    const n = await vectorLengthOf(files.extras![name])
    if (n !== nTimes) throw new InvalidDataError(`${files.extras![name].name} has ${n} values for ${nTimes} spikes.`, { file: files.extras![name].name, length: n, expected: nTimes })
  }

  const nUnits = unitClusters.length
  const offsets = new Float64Array(nUnits + 1)
  const slot = new Int32Array(counts.counts.length).fill(-1)
  const duplicates: [number, number][] = []
  for (let u = 0; u < nUnits; u++) {
    const id = unitClusters[u]
    const c = id >= 0 && id < counts.counts.length ? counts.counts[id] : 0
    offsets[u + 1] = offsets[u] + c
    if (c === 0) continue
    if (slot[id] < 0) slot[id] = u
    else duplicates.push([slot[id], u])
  }
  const total = offsets[nUnits]
  const out = new Float64Array(total)
  const extras: Record<string, Float64Array> = {}
  for (const name of extraNames) extras[name] = new Float64Array(total)
  const cursor = Float64Array.from(offsets.subarray(0, nUnits))
  let max = -Infinity

  const iterTimes = readNpyChunks(files.times, { chunkLength: CHUNK, signal })
  const iterClusters = readNpyChunks(files.clusters, { chunkLength: CHUNK, signal })
  const iterExtras = extraNames.map((name) => readNpyChunks(files.extras![name], { chunkLength: CHUNK, signal }))
  const slotLength = slot.length
  for (;;) {
    throwIfAborted(signal, 'Grouping spikes')
    const [t, c] = await Promise.all([iterTimes.next(), iterClusters.next()])
    const ex = await Promise.all(iterExtras.map((it) => it.next()))
    if (t.done || c.done) break
    const times = t.value.data as ArrayLike<number>
    const ids = c.value.data as ArrayLike<number>
    const len = Math.min(times.length, ids.length)
    if (extraNames.length === 0) {
      for (let i = 0; i < len; i++) {
        const id = ids[i]
        const s = id < slotLength ? slot[id] : -1
        if (s < 0) continue
        const v = times[i] * 1e3
        out[cursor[s]++] = v
        if (v > max) max = v
      }
      continue
    }
    const exData = ex.map((r) => (r.done ? [] : (r.value.data as ArrayLike<number>)))
    for (let i = 0; i < len; i++) {
      const id = ids[i]
      const s = id < slotLength ? slot[id] : -1
      if (s < 0) continue
      const pos = cursor[s]++
      const v = times[i] * 1e3
      out[pos] = v
      if (v > max) max = v
      for (let k = 0; k < extraNames.length; k++) extras[extraNames[k]][pos] = exData[k][i]
    }
  }
  for (const [from, to] of duplicates) {
    out.copyWithin(offsets[to], offsets[from], offsets[from + 1])
    for (const name of extraNames) extras[name].copyWithin(offsets[to], offsets[from], offsets[from + 1])
  }
  // SpikeData sorts each train itself, but not the per-spike values beside it: sort them together here.
  if (extraNames.length) sortUnitsWithExtras(out, offsets, Object.values(extras))
  return { times: out, offsets, extras, maxMs: max }
}

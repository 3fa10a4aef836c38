import { InvalidDataError, SpikeData } from '@spikes/core'

/** The spikes of one electrode group: an oebin spikes/ entry, or one legacy .spikes file. */
export interface SpikeGroup {
  /** The electrode's name (oebin entry `name`, or the .spikes header's `electrode`). */
  readonly name: string
  readonly rateHz: number
  /** Sample number of each spike, as the GUI wrote it. */
  readonly samples: ArrayLike<number>
  /** Electrode index of each spike (within the detector's electrodes). */
  readonly electrodes: ArrayLike<number>
  /** Sorted id of each spike (0 = unsorted). */
  readonly clusters: ArrayLike<number>
  /** Facts shared by every unit of the group (channels, stream, file, ...). */
  readonly attributes: Record<string, unknown>
  /** File named in errors. */
  readonly file: string
}

/**
 * One unit per (group, electrode index, sorted id): groups in the given order, then electrode index,
 * then sorted id ascending (so each electrode's unsorted spikes come first). Times: samples / rate * 1000.
 */
export function assemble(groups: readonly SpikeGroup[], lengthMs: number | undefined, metadata: Record<string, unknown>): SpikeData {
  const perGroup = groups.map((g) => unitsOf(g))
  const total = perGroup.reduce((n, u) => n + u.counts.reduce((a, b) => a + b, 0), 0)
  const times = new Float64Array(total)
  const offsets: number[] = [0]
  const neuronAttributes: Record<string, unknown>[] = []
  groups.forEach((group, g) => {
    const { keys, counts } = perGroup[g]
    const slot = new Map(keys.map((k, i) => [k, i]))
    let running = offsets[offsets.length - 1]
    const cursor = counts.map((n) => (running += n) - n)
    const electrodesInGroup = new Set(keys.map((k) => Math.floor(k / 65536))).size
    keys.forEach((key, i) => {
      offsets.push(offsets[offsets.length - 1] + counts[i])
      neuronAttributes.push(unitAttributes(group, Math.floor(key / 65536), key % 65536, electrodesInGroup))
    })
    const { samples, electrodes, clusters, rateHz } = group
    for (let k = 0; k < samples.length; k++) times[cursor[slot.get(electrodes[k] * 65536 + clusters[k])!]++] = (samples[k] / rateHz) * 1e3
  })
  return new SpikeData({ times, offsets, lengthMs, neuronAttributes, metadata })
}

function unitsOf(group: SpikeGroup): { keys: number[]; counts: number[] } {
  const { samples, electrodes, clusters, file } = group
  if (electrodes.length !== samples.length || clusters.length !== samples.length) {
    throw new InvalidDataError(`${file}: ${samples.length} spike times but ${electrodes.length} electrode indices and ${clusters.length} cluster ids; each holds one entry per spike.`, {
      file,
      samples: samples.length,
      electrodes: electrodes.length,
      clusters: clusters.length,
    })
  }
  const tally = new Map<number, number>()
  for (let k = 0; k < samples.length; k++) {
    const e = electrodes[k]
    const c = clusters[k]
    if (!isUint16(e) || !isUint16(c)) throw new InvalidDataError(`${file}: spike ${k} has electrode index ${e} and sorted id ${c}; both are 16-bit unsigned integers.`, { file, spike: k, electrode: e, cluster: c })
    if (!Number.isFinite(samples[k])) throw new InvalidDataError(`${file}: spike ${k} has sample number ${samples[k]}.`, { file, spike: k })
    const key = e * 65536 + c
    tally.set(key, (tally.get(key) ?? 0) + 1)
  }
  const keys = [...tally.keys()].sort((a, b) => a - b)
  return { keys, counts: keys.map((k) => tally.get(k)!) }
}

function isUint16(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < 65536
}

function unitAttributes(group: SpikeGroup, electrode: number, cluster: number, electrodesInGroup: number): Record<string, unknown> {
  const electrodeName = electrodesInGroup === 1 ? group.name : `${group.name} #${electrode}`
  const attr: Record<string, unknown> = { unit_id: `${electrodeName}_${cluster}`, electrode, electrode_name: electrodeName, sorted_id: cluster }
  if (cluster === 0) attr.quality = 'unsorted'
  return { ...attr, ...group.attributes }
}

import { InvalidArgumentError, InvalidDataError } from './errors.js'

/** Spike trains stored flat: `times` unit by unit, train i = times[offsets[i] .. offsets[i+1]). */
export interface TrainLayout {
  times: Float64Array
  offsets: Float64Array
}

/**
 * Concatenates one array of spike times per unit into a TrainLayout (a copy, in the given order; values
 * are not sorted or checked here). Throws InvalidArgumentError when `trains` or an item is not array-like.
 */
export function layoutFromTrains(trains: ArrayLike<ArrayLike<number>>): TrainLayout {
  if (trains == null || typeof trains.length !== 'number') throw new InvalidArgumentError('trains', trains, 'an array of spike-time arrays (ms)')
  const offsets = new Float64Array(trains.length + 1)
  for (let i = 0; i < trains.length; i++) {
    const t = trains[i]
    if (t == null || typeof t.length !== 'number') throw new InvalidArgumentError(`trains[${i}]`, t, 'an array of spike times (ms)')
    offsets[i + 1] = offsets[i] + t.length
  }
  const times = new Float64Array(offsets[trains.length])
  for (let i = 0; i < trains.length; i++) {
    const t = trains[i]
    if (ArrayBuffer.isView(t)) times.set(t as unknown as ArrayLike<number>, offsets[i])
    else for (let k = 0, o = offsets[i]; k < t.length; k++) times[o + k] = Number(t[k])
  }
  return { times, offsets }
}

/**
 * Group (unit index, time) pairs by unit with one counting pass: O(spikes + units),
 * stable, so times that arrive sorted stay sorted within each unit.
 */
export function layoutFromIdcesTimes(idces: ArrayLike<number>, times: ArrayLike<number>, N?: number): TrainLayout & { N: number } {
  if (idces == null || typeof idces.length !== 'number') throw new InvalidArgumentError('idces', idces, 'an array of non-negative integer unit indices')
  if (times == null || typeof times.length !== 'number') throw new InvalidArgumentError('times', times, 'an array of spike times (ms)')
  if (idces.length !== times.length) throw new InvalidArgumentError('times', `${times.length} times`, `as many times as idces (${idces.length})`)
  if (N !== undefined && !(Number.isInteger(N) && N >= 0)) throw new InvalidArgumentError('N', N, 'a non-negative integer')
  const n = idces.length
  let maxIdx = -1
  for (let k = 0; k < n; k++) {
    const u = idces[k]
    if (!(u >= 0) || u !== Math.floor(u) || u > 0xfffffffe) throw new InvalidDataError(`Unit index at position ${k} is ${u}; unit indices must be non-negative integers.`, { position: k, value: String(u) })
    if (u > maxIdx) maxIdx = u
  }
  const units = N ?? maxIdx + 1
  if (maxIdx >= units) throw new InvalidDataError(`Unit index ${maxIdx} is out of range for N = ${units}.`, { index: maxIdx, N: units })
  const counts = new Float64Array(units + 1)
  for (let k = 0; k < n; k++) counts[idces[k] + 1]++
  for (let u = 0; u < units; u++) counts[u + 1] += counts[u]
  const offsets = counts.slice()
  const out = new Float64Array(n)
  const cursor = counts
  for (let k = 0; k < n; k++) out[cursor[idces[k]]++] = times[k]
  return { times: out, offsets, N: units }
}

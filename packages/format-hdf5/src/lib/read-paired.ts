import { InvalidDataError, SpikeData, type LoadContext, type SpikeDataOptions } from '@spikes/core'
import { toMilliseconds, type TimeUnit } from '@spikes/core/loader-utils'
import type { Hdf5File } from '@spikes/hdf5'
import { numericVector } from './datasets.js'
import { readVectorInto } from './read-ragged.js'

/** Unit index and time per spike; N = max index + 1, with a warning when ids are sparse. */
export function readPaired(file: Hdf5File, spec: { idces: string; times: string; unit: TimeUnit }, fsHz: number | undefined, options: SpikeDataOptions, context: LoadContext): SpikeData {
  const idc = numericVector(file, spec.idces, 'idcesDataset')
  const tim = numericVector(file, spec.times, 'timesDataset')
  if (idc.length !== tim.length) {
    throw new InvalidDataError(`idcesDataset and timesDataset must have equal length; ${idc.ds.path} has ${idc.length} entries and ${tim.ds.path} has ${tim.length}.`, {
      file: file.name,
      idces: idc.length,
      times: tim.length,
    })
  }
  const n = idc.length
  const idces = new Float64Array(n)
  const times = new Float64Array(n)
  if (n > 0) {
    readVectorInto(idc.ds, idces, 0, n, context)
    readVectorInto(tim.ds, times, 0, n, context)
  }
  toMilliseconds(times, spec.unit, fsHz, times)
  let max = -1
  for (let k = 0; k < n; k++) {
    const u = idces[k]
    if (u < 0) throw new InvalidDataError(`Unit indices in ${idc.ds.path} contain negative values (${u} at position ${k}); indices must be >= 0.`, { file: file.name, dataset: idc.ds.path, position: k, value: u })
    if (!Number.isInteger(u)) throw new InvalidDataError(`Unit index ${u} at position ${k} of ${idc.ds.path} is not an integer.`, { file: file.name, dataset: idc.ds.path, position: k, value: String(u) })
    if (u > max) max = u
  }
  const N = n === 0 ? 0 : max + 1
  const sd = SpikeData.fromIdcesTimes(idces, times, { ...options, N })
  if (n > 0) {
    const empty: number[] = []
    for (let i = 0; i < N; i++) if (sd.offsets[i + 1] === sd.offsets[i]) empty.push(i)
    if (empty.length > 0) {
      context.warn(
        'SPIKES_WARN_SPARSE_IDS',
        `paired-style HDF5 has sparse cluster_ids: max+1=${N} but only ${N - empty.length} distinct ids present. ${empty.length} empty unit(s) are padded in (ids ${empty.slice(0, 20).join(', ')}${empty.length > 20 ? ', ...' : ''}). Compact the ids upstream if these empty units are unexpected.`,
        { N, distinct: N - empty.length, padded: empty.length, emptyIds: empty.slice(0, 100) },
      )
    }
  }
  return sd
}

import { InvalidDataError, type LoadContext } from '@spikes/core'
import { toMilliseconds, type TimeUnit } from '@spikes/core/loader-utils'
import type { Hdf5File } from '@spikes/hdf5'
import { numericVector } from './datasets.js'
import { naturalSort } from '@spikes/core/loader-utils'
import { readVectorInto, type Trains } from './read-ragged.js'

/** One 1-D dataset per unit inside a group, units in SpikeLab's natural name order. */
export function readGroup(file: Hdf5File, spec: { group: string; unit: TimeUnit }, fsHz: number | undefined, context: LoadContext): Trains & { names: string[] } {
  if (file.kind(spec.group) === 'dataset') {
    throw new InvalidDataError(`groupPerUnit ${spec.group} in ${file.name} is a dataset; expected a group holding one spike-time dataset per unit.`, { file: file.name, group: spec.group, option: 'groupPerUnit' })
  }
  const names = naturalSort(file.list(spec.group))
  const base = spec.group.replace(/\/+$/, '')
  const members = names.map((name) => {
    const path = `${base}/${name}`
    if (file.kind(path) !== 'dataset') {
      throw new InvalidDataError(`${path} in ${file.name} is a group; every member of groupPerUnit must be a 1-D dataset of spike times.`, { file: file.name, path, option: 'groupPerUnit' })
    }
    return numericVector(file, path, 'groupPerUnit member')
  })
  const offsets = new Float64Array(members.length + 1)
  members.forEach((m, i) => (offsets[i + 1] = offsets[i] + m.length))
  const times = new Float64Array(offsets[members.length])
  members.forEach((m, i) => {
    if (m.length > 0) readVectorInto(m.ds, times, offsets[i], m.length, context)
  })
  toMilliseconds(times, spec.unit, fsHz, times)
  return { times, offsets, names }
}

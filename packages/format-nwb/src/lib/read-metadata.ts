import type { Hdf5File } from '@spikes/hdf5'
import { attrText, neurodataType, readTextDataset, safeAttr } from './h5-util.js'
import { isoDatetime } from './iso-datetime.js'
import { electrodesByChannel, readElectrodeTable } from './read-electrodes.js'
import { readElectrodeColumns, readElectrodeGroups, readElectrodeRowGroups, readGeneral, readIntervals } from './read-general.js'

/** nwb_version from the root attribute (2.x) or the root dataset (1.x); undefined when neither exists. */
export function nwbVersion(file: Hdf5File): string | undefined {
  const attr = attrText(safeAttr(file, '/', 'nwb_version'))
  if (attr !== undefined) return attr.trim()
  return readTextDataset(file, '/nwb_version')?.trim()
}

function nonEmpty(value: string | undefined): string | undefined {
  const s = value?.trim()
  return s ? s : undefined
}

/**
 * SpikeLab's pynwb-path file metadata: identifier, session_description, session_start_time (ISO),
 * subject fields, device_names, sampling_rate_hz / duration_seconds of the first acquisition series
 * with a rate, electrodes_by_channel; plus nwb_version, /general's lab, institution, experimenter and other
 * text fields, the subject's other fields, electrode_ids and every TimeIntervals table (`intervals`).
 * Keys are absent when the file lacks the field.
 */
export function readFileMetadata(file: Hdf5File): Record<string, unknown> {
  const meta: Record<string, unknown> = {}
  const version = nwbVersion(file)
  if (version) meta.nwb_version = version
  const identifier = nonEmpty(readTextDataset(file, '/identifier'))
  if (identifier) meta.identifier = identifier
  const description = nonEmpty(readTextDataset(file, '/session_description'))
  if (description) meta.session_description = description
  const start = nonEmpty(readTextDataset(file, '/session_start_time'))
  if (start) meta.session_start_time = isoDatetime(start)

  if (file.kind('/general/subject') === 'group') {
    for (const key of ['subject_id', 'species', 'sex', 'age']) {
      const v = nonEmpty(readTextDataset(file, `/general/subject/${key}`))
      if (v) meta[key] = v
    }
    const dob = nonEmpty(readTextDataset(file, '/general/subject/date_of_birth'))
    if (dob) meta.date_of_birth = isoDatetime(dob)
  }

  if (file.kind('/general/devices') === 'group') {
    try {
      const names = file.list('/general/devices')
      if (names.length) meta.device_names = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    } catch {
      // unreadable group: no device names
    }
  }

  const timing = firstAcquisitionTiming(file)
  if (timing.rate !== undefined) meta.sampling_rate_hz = timing.rate
  if (timing.duration !== undefined) meta.duration_seconds = timing.duration

  Object.assign(meta, readGeneral(file))
  const intervals = readIntervals(file)
  if (intervals) meta.intervals = intervals

  const table = readElectrodeTable(file)
  if (table && table.rows > 0) {
    meta.electrodes_by_channel = electrodesByChannel(table)
    // The rows' ids, when they are not simply the row numbers (units name electrodes by id).
    if (table.ids && table.ids.some((id, i) => id !== i)) meta.electrode_ids = [...table.ids]
    const columns = readElectrodeColumns(file, table.path, table.rows)
    if (columns) meta.electrode_columns = columns
    const rowGroups = readElectrodeRowGroups(file, table.path, table.rows)
    if (rowGroups) meta.electrode_row_groups = rowGroups
  }
  const groups = readElectrodeGroups(file)
  if (groups) meta.electrode_groups = groups
  return meta
}

/** The first /acquisition object (name order) with a starting_time rate and data, as SpikeLab's pynwb path. */
function firstAcquisitionTiming(file: Hdf5File): { rate?: number; duration?: number } {
  if (file.kind('/acquisition') !== 'group') return {}
  let names: string[]
  try {
    names = file.list('/acquisition')
  } catch {
    return {}
  }
  for (const name of names) {
    const path = `/acquisition/${name}`
    if (file.kind(path) !== 'group' || file.kind(`${path}/starting_time`) !== 'dataset' || file.kind(`${path}/data`) !== 'dataset') continue
    const rateValue = safeAttr(file, `${path}/starting_time`, 'rate')
    const rate = typeof rateValue === 'number' ? rateValue : typeof rateValue === 'bigint' ? Number(rateValue) : NaN
    if (!Number.isFinite(rate)) continue
    let samples: number | undefined
    try {
      samples = file.dataset(`${path}/data`).shape?.[0]
    } catch {
      samples = undefined
    }
    if (rate > 0 && samples !== undefined) return { rate, duration: samples / rate }
    if (rate > 0) return { rate }
  }
  return {}
}

export { neurodataType }

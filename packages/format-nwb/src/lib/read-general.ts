import type { Hdf5File } from '@spikes/hdf5'
import { raggedOffsets } from '@spikes/core/loader-utils'
import { attrText, attrTextList, baseName, joinPath, neurodataType, readTextDataset, safeAttr } from './h5-util.js'

const GENERAL_TEXT = ['lab', 'institution', 'experiment_description', 'session_id', 'notes', 'protocol', 'surgery', 'virus', 'pharmacology', 'stimulus', 'slices', 'data_collection']
const GENERAL_LISTS = ['experimenter', 'keywords', 'related_publications']
const SUBJECT_EXTRA = ['description', 'genotype', 'strain', 'weight']
/** Interval tables with more rows than this are left out of the metadata (they would swamp it). */
const MAX_INTERVAL_ROWS = 1_000_000

function textList(file: Hdf5File, path: string): string[] | undefined {
  try {
    if (file.kind(path) !== 'dataset') return undefined
    const ds = file.dataset(path)
    if (ds.dtype.class !== 'string') return undefined
    const list = ds.readStrings().map((s) => s.trim()).filter((s) => s !== '')
    return list.length ? list : undefined
  } catch {
    return undefined
  }
}

/**
 * /general's text fields (lab, institution, experimenter as a list, ...) and the Subject's description,
 * genotype, strain and weight (as subject_<name>), under their NWB names; absent ones left out.
 */
export function readGeneral(file: Hdf5File): Record<string, unknown> {
  const meta: Record<string, unknown> = {}
  if (file.kind('/general') !== 'group') return meta
  for (const key of GENERAL_TEXT) {
    const v = readTextDataset(file, `/general/${key}`)?.trim()
    if (v) meta[key] = v
  }
  for (const key of GENERAL_LISTS) {
    const v = textList(file, `/general/${key}`)
    if (v) meta[key] = v
  }
  if (file.kind('/general/subject') === 'group') {
    for (const key of SUBJECT_EXTRA) {
      const v = readTextDataset(file, `/general/subject/${key}`)?.trim()
      if (v) meta[`subject_${key}`] = v
    }
  }
  return meta
}

function readColumn(file: Hdf5File, path: string, rows: number): unknown[] | undefined {
  try {
    const ds = file.dataset(path)
    if (ds.rank !== 1 || ds.size !== rows) return undefined
    if (ds.isNumeric()) return Array.from(ds.readNumeric())
    if (ds.dtype.class === 'string') return ds.readStrings()
  } catch {
    // unreadable column: left out
  }
  return undefined
}

/** A ragged column (values + <name>_index) as one list per row: numbers or text; undefined when unreadable. */
function readRaggedColumn(file: Hdf5File, path: string, rows: number): unknown[][] | undefined {
  try {
    const ds = file.dataset(path)
    const index = file.dataset(`${path}_index`)
    if (ds.rank !== 1 || index.rank !== 1 || index.size !== rows || !index.isNumeric()) return undefined
    const flat: unknown[] | undefined = ds.isNumeric() ? Array.from(ds.readNumeric()) : ds.dtype.class === 'string' ? ds.readStrings() : undefined
    if (!flat) return undefined
    const offsets = raggedOffsets(index.readNumeric(), flat.length, { nUnits: rows, integerDtype: index.isInteger(), name: `${path}_index` })
    return Array.from({ length: rows }, (_, i) => flat.slice(offsets[i], offsets[i + 1]))
  } catch {
    return undefined
  }
}

/** A table's datasets, those named in colnames first and in that order. */
function orderedColumns(file: Hdf5File, path: string): string[] {
  const names = file.list(path)
  const listed = attrTextList(safeAttr(file, path, 'colnames')).filter((n) => names.includes(n))
  return [...new Set([...listed, ...names])]
}

/**
 * The ElectrodeGroup each row of the electrodes table belongs to, by name (from the `group` reference
 * column; group_name is only a text copy and may differ); undefined when there is no such column.
 */
export function readElectrodeRowGroups(file: Hdf5File, path: string, rows: number): string[] | undefined {
  try {
    if (file.kind(`${path}/group`) !== 'dataset') return undefined
    const ds = file.dataset(`${path}/group`)
    if (ds.dtype.class !== 'reference' || ds.size !== rows) return undefined
    return ds.readReferences().map((ref) => baseName(file.resolveReference(ref).path))
  } catch {
    return undefined
  }
}

/**
 * Every TimeIntervals table under /intervals (trials, epochs, invalid_times, others) as
 * `{ name: { description, columns: { start_time, stop_time, ... } } }`, times in seconds as stored.
 * One-value-per-row columns, and ragged number or text columns (tags) as one list per row; columns of
 * other types (timeseries references) are left out.
 */
export function readIntervals(file: Hdf5File): Record<string, { description: string; columns: Record<string, unknown[]> }> | undefined {
  if (file.kind('/intervals') !== 'group') return undefined
  const out: Record<string, { description: string; columns: Record<string, unknown[]> }> = {}
  for (const name of file.list('/intervals')) {
    const path = joinPath('/intervals', name)
    if (file.kind(path) !== 'group' || neurodataType(file, path) !== 'TimeIntervals') continue
    if (file.kind(`${path}/start_time`) !== 'dataset') continue
    const rows = file.dataset(`${path}/start_time`).size
    if (rows > MAX_INTERVAL_ROWS) continue
    const columns: Record<string, unknown[]> = {}
    for (const column of orderedColumns(file, path)) {
      if (column === 'id' || column.endsWith('_index') || file.kind(joinPath(path, column)) !== 'dataset') continue
      const values = file.kind(joinPath(path, `${column}_index`)) === 'dataset' ? readRaggedColumn(file, joinPath(path, column), rows) : readColumn(file, joinPath(path, column), rows)
      if (values) columns[column] = values
    }
    out[name] = { description: attrText(safeAttr(file, path, 'description')) ?? name, columns }
  }
  return Object.keys(out).length ? out : undefined
}

const ELECTRODE_STANDARD = new Set(['id', 'x', 'y', 'z', 'location', 'group', 'group_name'])

/**
 * The electrodes table's other one-value-per-row columns (imp, filtering, rel_x, ...), row-aligned with
 * electrodes_by_channel, under their own names; undefined when there are none.
 */
export function readElectrodeColumns(file: Hdf5File, path: string, rows: number): Record<string, unknown[]> | undefined {
  if (file.kind(path) !== 'group') return undefined
  const out: Record<string, unknown[]> = {}
  for (const column of orderedColumns(file, path)) {
    if (ELECTRODE_STANDARD.has(column) || column.endsWith('_index') || file.kind(joinPath(path, column)) !== 'dataset') continue
    if (file.kind(joinPath(path, `${column}_index`)) === 'dataset') continue
    const values = readColumn(file, joinPath(path, column), rows)
    if (values) out[column] = values
  }
  return Object.keys(out).length ? out : undefined
}

/** Each ElectrodeGroup's description, location and device name, by group name. */
export function readElectrodeGroups(file: Hdf5File): Record<string, { description?: string; location?: string; device?: string }> | undefined {
  const root = '/general/extracellular_ephys'
  if (file.kind(root) !== 'group') return undefined
  const out: Record<string, { description?: string; location?: string; device?: string }> = {}
  for (const name of file.list(root)) {
    const path = joinPath(root, name)
    if (file.kind(path) !== 'group' || neurodataType(file, path) !== 'ElectrodeGroup') continue
    const group: { description?: string; location?: string; device?: string } = {}
    const description = attrText(safeAttr(file, path, 'description'))
    const location = attrText(safeAttr(file, path, 'location'))
    if (description) group.description = description
    if (location) group.location = location
    try {
      const device = file.kind(`${path}/device`) === 'group' ? file.list('/general/devices').find((d) => file.kind(`/general/devices/${d}`) === 'group' && sameObject(file, `/general/devices/${d}`, `${path}/device`)) : undefined
      if (device) group.device = device
    } catch {
      // no device name
    }
    out[name] = group
  }
  return Object.keys(out).length ? out : undefined
}

/** By object_id; files without them (MatNWB 2018) by the object's address, which a soft link shares. */
function sameObject(file: Hdf5File, a: string, b: string): boolean {
  const ida = attrText(safeAttr(file, a, 'object_id'))
  const idb = attrText(safeAttr(file, b, 'object_id'))
  if (ida !== undefined && idb !== undefined) return ida === idb
  const address = file.objectAddress(a)
  return address !== null && address === file.objectAddress(b)
}

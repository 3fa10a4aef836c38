import type { LoadContext } from '@spikes/core'
import { raggedOffsets } from '@spikes/core/loader-utils'
import type { Hdf5File } from '@spikes/hdf5'
import { isHdf5Reference } from '@spikes/hdf5/tree'
import { joinPath, neurodataType, safeAttr } from './h5-util.js'

export const ELECTRODES_TABLE = '/general/extracellular_ephys/electrodes'

/** The electrodes table, column by column; every column has `rows` entries or is null. */
export interface ElectrodeTable {
  path: string
  rows: number
  ids: (number | string)[] | null
  x: Float64Array | null
  y: Float64Array | null
  z: Float64Array | null
  location: string[] | null
  groupName: string[] | null
}

/** What the units' electrodes resolve to, per unit. */
export interface UnitElectrode {
  electrode: number | string
  row: number | null
}

export interface ElectrodeRow {
  location?: string
  group_name?: string
  x?: number
  y?: number
  z?: number
}

function numericColumn(file: Hdf5File, path: string): Float64Array | null {
  try {
    if (file.kind(path) !== 'dataset') return null
    const ds = file.dataset(path)
    return ds.isNumeric() && ds.rank === 1 ? ds.readNumeric() : null
  } catch {
    return null
  }
}

function textColumn(file: Hdf5File, path: string): string[] | null {
  try {
    if (file.kind(path) !== 'dataset') return null
    const ds = file.dataset(path)
    return ds.dtype.class === 'string' ? ds.readStrings() : null
  } catch {
    return null
  }
}

function idColumn(file: Hdf5File, path: string): (number | string)[] | null {
  const numbers = numericColumn(file, path)
  if (numbers) return Array.from(numbers)
  return textColumn(file, path)
}

/** Reads the table (a DynamicTable group, or the compound dataset MatNWB wrote in 2018); null when absent or unreadable. */
export function readElectrodeTable(file: Hdf5File, path = ELECTRODES_TABLE): ElectrodeTable | null {
  const kind = file.kind(path)
  if (kind === 'group') {
    const ids = idColumn(file, joinPath(path, 'id'))
    const x = numericColumn(file, joinPath(path, 'x'))
    const y = numericColumn(file, joinPath(path, 'y'))
    const z = numericColumn(file, joinPath(path, 'z'))
    const location = textColumn(file, joinPath(path, 'location'))
    const groupName = textColumn(file, joinPath(path, 'group_name'))
    const rows = ids?.length ?? Math.max(x?.length ?? 0, y?.length ?? 0, z?.length ?? 0, location?.length ?? 0, groupName?.length ?? 0)
    return { path, rows, ids, x, y, z, location, groupName }
  }
  if (kind === 'dataset') {
    try {
      const ds = file.dataset(path)
      if (ds.dtype.class !== 'compound') return null
      const cols = ds.readCompound()
      const num = (name: string): Float64Array | null => (cols[name] instanceof Float64Array ? (cols[name] as Float64Array) : null)
      const text = (name: string): string[] | null => (Array.isArray(cols[name]) ? (cols[name] as unknown[]).map((v) => String(v ?? '')) : null)
      const ids = cols.id instanceof Float64Array ? Array.from(cols.id) : null
      return { path, rows: ds.size, ids, x: num('x'), y: num('y'), z: num('z'), location: text('location'), groupName: text('group_name') }
    } catch {
      return null
    }
  }
  return null
}

function at(col: Float64Array | null, row: number): number | undefined {
  if (!col || row >= col.length) return undefined
  const v = col[row]
  return Number.isNaN(v) ? undefined : v
}

/** One row as SpikeLab's electrodes_by_channel entry: non-empty text, coordinates that are numbers. */
export function electrodeRow(table: ElectrodeTable, row: number): ElectrodeRow {
  const out: ElectrodeRow = {}
  const location = table.location?.[row]?.trim()
  if (location) out.location = location
  const group = table.groupName?.[row]?.trim()
  if (group) out.group_name = group
  const x = at(table.x, row)
  const y = at(table.y, row)
  const z = at(table.z, row)
  if (x !== undefined) out.x = x
  if (y !== undefined) out.y = y
  if (z !== undefined) out.z = z
  return out
}

export function electrodesByChannel(table: ElectrodeTable): Record<string, ElectrodeRow> {
  const out: Record<string, ElectrodeRow> = {}
  for (let i = 0; i < table.rows; i++) out[String(i)] = electrodeRow(table, i)
  return out
}

export function rowId(table: ElectrodeTable, row: number): number | string {
  return table.ids && row < table.ids.length ? table.ids[row] : row
}

/**
 * The first electrode of each unit (SpikeLab keeps the first), resolved against the table.
 * DynamicTableRegion values are row indices (DEVIATIONS D3/D6); a plain dataset holds electrode ids.
 * Returns null when the Units table has no electrodes column, or when it cannot be used (with a warning).
 */
export function readUnitElectrodes(file: Hdf5File, unitsPath: string, nUnits: number, idCount: number | undefined, context: LoadContext): { units: (UnitElectrode | null)[]; table: ElectrodeTable | null } | null {
  const path = joinPath(unitsPath, 'electrodes')
  if (file.kind(path) !== 'dataset') return null
  const ds = file.dataset(path)
  if (!ds.isNumeric()) {
    context.warn('SPIKES_WARN_NWB_ELECTRODES_IGNORED', `${path} holds ${ds.dtype.numpy}, not integer rows; unit electrodes are left out.`, { dataset: path })
    return null
  }
  const flat = ds.readNumeric()
  const tableAttr = safeAttr(file, path, 'table')
  const isRegion = neurodataType(file, path) === 'DynamicTableRegion' || isHdf5Reference(tableAttr)
  let tablePath = ELECTRODES_TABLE
  if (isHdf5Reference(tableAttr)) {
    try {
      tablePath = file.resolveReference(tableAttr).path
    } catch {
      tablePath = ELECTRODES_TABLE
    }
  }
  const table = readElectrodeTable(file, tablePath)

  const indexPath = joinPath(unitsPath, 'electrodes_index')
  let offsets: Float64Array
  if (file.kind(indexPath) === 'dataset') {
    const indexDs = file.dataset(indexPath)
    let index = indexDs.readNumeric()
    if (index.length > 0 && index[index.length - 1] > flat.length) {
      const last = index[index.length - 1]
      context.warn(
        'SPIKES_WARN_NWB_ELECTRODES_INDEX_TRUNCATED',
        `NWB electrodes_index final value (${last}) exceeds electrodes array length (${flat.length}); the trailing ${last - flat.length} index entries will be silently truncated. Inspect the NWB file's ${indexPath} and ${path} datasets.`,
        { dataset: indexPath, last, length: flat.length },
      )
      index = index.map((v) => Math.min(v, flat.length))
    }
    offsets = raggedOffsets(index, flat.length, { nUnits: idCount, integerDtype: indexDs.isInteger(), name: 'electrodes_index' })
    if (offsets.length - 1 !== nUnits) {
      context.warn('SPIKES_WARN_NWB_ELECTRODES_IGNORED', `${indexPath} describes ${offsets.length - 1} units but the table has ${nUnits}; unit electrodes are left out.`, { dataset: indexPath })
      return null
    }
  } else {
    if (flat.length !== nUnits) {
      context.warn('SPIKES_WARN_NWB_ELECTRODES_IGNORED', `${path} has ${flat.length} values for ${nUnits} units and no electrodes_index; unit electrodes are left out.`, { dataset: path })
      return null
    }
    offsets = Float64Array.from({ length: nUnits + 1 }, (_, i) => i)
  }

  let idToRow: Map<number | string, number> | null = null
  if (!isRegion && table) {
    idToRow = new Map()
    for (let r = 0; r < table.rows; r++) {
      const id = rowId(table, r)
      if (!idToRow.has(id)) idToRow.set(id, r)
    }
  }
  const units: (UnitElectrode | null)[] = []
  let unresolved = 0
  for (let i = 0; i < nUnits; i++) {
    if (offsets[i + 1] <= offsets[i]) {
      units.push(null)
      continue
    }
    const value = flat[offsets[i]]
    if (isRegion) {
      if (table && Number.isInteger(value) && value >= 0 && value < table.rows) units.push({ electrode: rowId(table, value), row: value })
      else {
        unresolved++
        units.push({ electrode: value, row: null })
      }
    } else {
      const row = idToRow?.get(value)
      if (table && row === undefined) unresolved++
      units.push({ electrode: value, row: row ?? null })
    }
  }
  if (unresolved > 0 && table) {
    context.warn(
      'SPIKES_WARN_NWB_ELECTRODE_ROW_MISSING',
      `${unresolved} unit electrode reference(s) in ${path} point to no row of ${table.path} (${table.rows} rows); those units keep the raw value as 'electrode' and get no location.`,
      { dataset: path, table: table.path, unresolved },
    )
  }
  return { units, table }
}

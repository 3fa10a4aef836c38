import { MissingEntryError, type LoadContext } from '@spikes/core'
import { raggedOffsets } from '@spikes/core/loader-utils'
import type { Hdf5Dataset, Hdf5File } from '@spikes/hdf5'
import { isHdf5Reference } from '@spikes/hdf5/tree'
import { attrTextList, baseName, isBoolDataset, joinPath, neurodataType, safeAttr } from './h5-util.js'

/** Columns the loader maps itself, never copied as they are. */
const STRUCTURAL = new Set(['id', 'electrodes', 'electrodes_index'])
/** The exporter's exact copy of the neuron attributes (JSON per unit). */
export const ATTRIBUTES_JSON_COLUMN = 'spikes_neuron_attributes'

export interface ColumnValues {
  name: string
  values: unknown[]
}

/** Candidate column names: colnames first (its order), then the other datasets, minus indices and the spike-time columns. */
function candidates(file: Hdf5File, unitsPath: string, skip: Set<string>): string[] {
  const datasets = file.list(unitsPath).filter((n) => file.kind(joinPath(unitsPath, n)) === 'dataset')
  const present = new Set(datasets)
  const ordered = [...attrTextList(safeAttr(file, unitsPath, 'colnames')).filter((n) => present.has(n)), ...datasets]
  const out: string[] = []
  for (const name of ordered) {
    if (out.includes(name) || skip.has(name) || STRUCTURAL.has(name) || name === ATTRIBUTES_JSON_COLUMN) continue
    if (name.endsWith('_index') && present.has(name.slice(0, -'_index'.length))) continue
    if (neurodataType(file, joinPath(unitsPath, name)) === 'VectorIndex') continue
    out.push(name)
  }
  return out
}

function cellValues(file: Hdf5File, ds: Hdf5Dataset): unknown[] | null {
  if (isBoolDataset(ds)) return Array.from(ds.readNumeric(), (v) => v !== 0)
  if (ds.isNumeric()) return Array.from(ds.readNumeric())
  if (ds.dtype.class === 'string') return ds.readStrings()
  if (ds.dtype.class === 'reference' && ds.dtype.refType === 'object') {
    return ds.readReferences().map((ref) => {
      if (!isHdf5Reference(ref) || ref.bytes.every((b) => b === 0)) return null
      try {
        return baseName(file.resolveReference(ref).path)
      } catch {
        return null
      }
    })
  }
  return null
}

/**
 * Per-unit column values. Default: every column holding one scalar per unit. With `requested`, exactly
 * those columns, ragged ones (with a <name>_index) and N x k ones as one array per unit.
 */
export function readColumns(file: Hdf5File, unitsPath: string, nUnits: number, requested: string[] | null, skip: Set<string>, context: LoadContext): ColumnValues[] {
  const names = requested ?? candidates(file, unitsPath, skip)
  const out: ColumnValues[] = []
  for (const name of names) {
    const path = joinPath(unitsPath, name)
    if (file.kind(path) !== 'dataset') {
      if (requested) throw new MissingEntryError(path, file.name, candidates(file, unitsPath, skip).map((n) => joinPath(unitsPath, n)), 'Check the columns option.')
      continue
    }
    try {
      const ds = file.dataset(path)
      const indexPath = `${path}_index`
      const ragged = file.kind(indexPath) === 'dataset'
      const shape = ds.shape ?? []
      if (!requested) {
        if (ragged || shape.length !== 1 || shape[0] !== nUnits) continue
        const values = cellValues(file, ds)
        if (values) out.push({ name, values })
        continue
      }
      const values = cellValues(file, ds)
      if (!values) {
        context.warn('SPIKES_WARN_NWB_COLUMN_SKIPPED', `Column ${path} holds ${ds.dtype.numpy}, which is not copied.`, { column: name })
        continue
      }
      const rowSize = shape.slice(1).reduce((a, b) => a * b, 1)
      let offsets: Float64Array
      if (ragged) {
        const indexDs = file.dataset(indexPath)
        const rows = raggedOffsets(indexDs.readNumeric(), shape[0] ?? 0, { nUnits, integerDtype: indexDs.isInteger(), name: `${name}_index` })
        offsets = rows.map((r: number) => r * rowSize)
      } else if (shape.length >= 1 && shape[0] === nUnits) {
        if (shape.length === 1) {
          out.push({ name, values })
          continue
        }
        offsets = Float64Array.from({ length: nUnits + 1 }, (_, i) => i * rowSize)
      } else {
        context.warn('SPIKES_WARN_NWB_COLUMN_SKIPPED', `Column ${path} has shape [${shape.join(', ')}], not one row per unit (${nUnits}); it is not copied.`, { column: name })
        continue
      }
      // A unit's value keeps the column's shape: one array per row of a ragged column, one level per dimension.
      const rowDims = ragged && shape.length > 1 ? [-1, ...shape.slice(1)] : shape.slice(1)
      out.push({ name, values: Array.from({ length: nUnits }, (_, i) => nest(values.slice(offsets[i], offsets[i + 1]), rowDims)) })
    } catch (error) {
      if (requested) throw error
      context.warn('SPIKES_WARN_NWB_COLUMN_SKIPPED', `Column ${path} could not be read (${(error as Error).message}); it is not copied.`, { column: name })
    }
  }
  return out
}

/** A flat row-major slice as nested arrays of `dims` (a leading -1: as many rows as the slice holds). */
function nest(flat: unknown[], dims: number[]): unknown[] {
  if (dims.length <= 1) return flat
  const inner = dims.slice(1)
  const size = inner.reduce((a, b) => a * b, 1)
  const count = dims[0] < 0 ? flat.length / size : dims[0]
  return Array.from({ length: count }, (_, r) => nest(flat.slice(r * size, (r + 1) * size), inner))
}

/** The exporter's JSON copy of the neuron attributes, when present and well-formed. */
export function readAttributesJson(file: Hdf5File, unitsPath: string, nUnits: number): Record<string, unknown>[] | null {
  const path = joinPath(unitsPath, ATTRIBUTES_JSON_COLUMN)
  try {
    if (file.kind(path) !== 'dataset') return null
    const ds = file.dataset(path)
    if (ds.dtype.class !== 'string' || ds.size !== nUnits) return null
    const rows = ds.readStrings().map((s) => JSON.parse(s) as unknown)
    return rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r)) ? (rows as Record<string, unknown>[]) : null
  } catch {
    return null
  }
}

import type { FolderSource, LoadContext } from '@spikes/core'
import type { AlfIndex } from './alf-index.js'
import { objectFiles } from './alf-index.js'
import type { AlfPath } from './alf-name.js'
import { columnOf, readAttribute, type AttributeValue } from './read-attribute.js'

/** Reads every attribute of an object in a collection (a table's columns become attributes), skipping unreadable ones with a warning. */
export async function readObject(
  folder: FolderSource,
  index: AlfIndex,
  object: string,
  collection: string,
  revision: string | undefined,
  context: LoadContext,
  options: { skip?: (key: string, d: AlfPath) => boolean; only?: ReadonlySet<string> } = {},
): Promise<Map<string, AttributeValue>> {
  const files = objectFiles(index, object, collection, revision)
  const out = new Map<string, AttributeValue>()
  // Tables first, so that separate attribute files win over a table's column of the same name.
  const ordered = [...files.entries()].sort(([, a], [, b]) => Number(b.attribute === 'table' || b.attribute === 'metrics') - Number(a.attribute === 'table' || a.attribute === 'metrics'))
  for (const [key, dataset] of ordered) {
    if (options.skip?.(key, dataset) || (options.only && !options.only.has(key))) continue
    let value: AttributeValue | undefined
    try {
      value = await readAttribute(folder, dataset, context.signal)
    } catch (error) {
      if ((error as { code?: string }).code === 'SPIKES_ABORTED') throw error
      context.warn('SPIKES_WARN_ALF_ATTRIBUTE_UNREADABLE', `${dataset.relativePath} could not be read (${(error as Error).message}); it is left out.`, { file: dataset.relativePath, code: (error as { code?: string }).code })
      continue
    }
    if (!value) continue
    out.set(key, value)
  }
  return out
}

/** The object's attributes as named columns: tables contribute their columns, (n, k) arrays `name_0`..`name_{k-1}` (as ONE's `to_df`). */
export function objectColumns(attributes: Map<string, AttributeValue>): Map<string, ArrayLike<unknown>> {
  const columns = new Map<string, ArrayLike<unknown>>()
  for (const [key, value] of attributes) {
    if (value.kind === 'table') {
      for (const [name, col] of value.table.columns) columns.set(name, col)
      continue
    }
    const vector = columnOf(value)
    if (vector) {
      columns.set(key, vector)
      continue
    }
    if (value.shape.length === 2 && value.shape[1] <= 16) {
      for (let j = 0; j < value.shape[1]; j++) columns.set(`${key}_${j}`, columnOf(value, j)!)
    }
  }
  return columns
}

export function numberAt(col: ArrayLike<unknown> | undefined, i: number): number | undefined {
  if (!col || i < 0 || i >= col.length) return undefined
  const v = col[i]
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : NaN
  return Number.isNaN(n) ? undefined : n
}

export function toFloatArray(col: ArrayLike<unknown>, scale = 1): Float64Array {
  const out = new Float64Array(col.length)
  for (let i = 0; i < col.length; i++) {
    const v = col[i]
    const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v === null || v === undefined ? NaN : Number(v)
    out[i] = scale === 1 ? n : n * scale
  }
  return out
}

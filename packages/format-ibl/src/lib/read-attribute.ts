import { readText, type ByteSource, type FolderSource } from '@spikes/core'
import { parseDelimitedRows } from '@spikes/core/delimited'
import type { AlfPath } from './alf-name.js'
import { readParquetTable, type Table, type TableColumn } from './parquet.js'

/** One ALF attribute's content: an n-D array (first dimension = rows), or a table of named columns. */
export type AttributeValue = { kind: 'array'; data: ArrayLike<unknown>; shape: readonly number[] } | { kind: 'table'; table: Table }

const MAX_TEXT_BYTES = 64 * 1024 * 1024

export async function withFile<T>(folder: FolderSource, path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const source = await folder.open(path)
  try {
    return await use(source)
  } finally {
    await source.close().catch(() => {})
  }
}

/**
 * A table from an ALF text attribute (`clusters.uuids.csv`, `channels.brainLocation.tsv`): CSV with
 * quoted fields, or TSV where quotes are text (csv-parse). A column whose every non-empty cell is a
 * number becomes a Float64Array (empty cells NaN).
 */
export function parseDelimited(text: string, sep: string, fileName?: string): Table {
  const [header = [], ...rows] = parseDelimitedRows(text, { delimiter: sep, quote: sep === '\t' ? false : '"', name: fileName })
  const columns = new Map<string, TableColumn>()
  header.forEach((name, j) => {
    const values = rows.map((r) => r[j] ?? '')
    const numeric = values.every((v) => v === '' || (v.trim() !== '' && Number.isFinite(Number(v))) || /^(nan|NaN)$/.test(v))
    columns.set(name, numeric && values.some((v) => v !== '') ? Float64Array.from(values, (v) => (v === '' ? NaN : Number(v))) : values)
  })
  return { numRows: rows.length, columns }
}

/** Reads one ALF attribute file: .npy as an array, .pqt/.parquet, .csv, .tsv as a table, .json as a one-column value. */
export async function readAttribute(folder: FolderSource, dataset: AlfPath, signal?: AbortSignal): Promise<AttributeValue | undefined> {
  const ext = dataset.extension.toLowerCase()
  if (ext === 'npy') {
    const { readNpy } = await import('@spikes/numpy')
    const array = await withFile(folder, dataset.relativePath, (s) => readNpy(s, { signal }))
    return { kind: 'array', data: array.data as ArrayLike<unknown>, shape: array.shape }
  }
  if (ext === 'pqt' || ext === 'parquet') {
    const table = await withFile(folder, dataset.relativePath, (s) => readParquetTable(s))
    return { kind: 'table', table }
  }
  if (ext === 'csv' || ext === 'tsv') {
    const text = await withFile(folder, dataset.relativePath, async (s) => {
      const size = await s.size()
      if (size > MAX_TEXT_BYTES) return ''
      return readText(s)
    })
    return { kind: 'table', table: parseDelimited(text, ext === 'tsv' ? '\t' : ',', dataset.relativePath) }
  }
  return undefined
}

/** A 1-D view of an array attribute (column `col` of a 2-D one), or undefined when it has another shape. */
export function columnOf(value: AttributeValue, col = -1): ArrayLike<unknown> | undefined {
  if (value.kind !== 'array') {
    const cols = [...value.table.columns.values()]
    return cols.length === 1 ? cols[0] : undefined
  }
  const { data, shape } = value
  if (col < 0) {
    const rows = shape.length === 0 ? 1 : shape[0]
    const rest = shape.slice(1).reduce((a, b) => a * b, 1)
    return rest === 1 && data.length === rows ? data : undefined
  }
  if (shape.length !== 2 || col >= shape[1]) return undefined
  const [rows, cols] = shape
  const out = new Array<unknown>(rows)
  for (let i = 0; i < rows; i++) out[i] = data[i * cols + col]
  return out
}

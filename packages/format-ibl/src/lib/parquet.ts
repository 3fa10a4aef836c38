import { CorruptFileError, UnsupportedError, type ByteSource } from '@spikes/core'

/** A column as read: numbers (Float64Array, NaN for nulls), or values of another kind (strings, booleans, dates). */
export type TableColumn = Float64Array | readonly unknown[]

/** A table read by {@link readParquetTable}. */
export interface Table {
  readonly numRows: number
  /** Leaf columns by name, each numRows long; nested columns, and requested columns the file lacks, are absent. */
  readonly columns: ReadonlyMap<string, TableColumn>
}

interface AsyncBufferLike {
  byteLength: number
  slice(start: number, end?: number): Promise<ArrayBuffer>
}

function asyncBuffer(source: ByteSource, size: number): AsyncBufferLike {
  return {
    byteLength: size,
    async slice(start: number, end = size) {
      const bytes = await source.read(start, Math.max(0, end - start))
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer)
    },
  }
}

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint'
}

/** Column values to a Float64Array when every non-null value is a number (int64 included), else a plain array. */
function normalise(parts: ArrayLike<unknown>[], numRows: number): TableColumn {
  let numeric = true
  let sawValue = false
  for (const part of parts) {
    if (part instanceof Float64Array || part instanceof Float32Array || part instanceof Int32Array || part instanceof Uint32Array || part instanceof Int16Array || part instanceof Int8Array || part instanceof Uint8Array || part instanceof Uint16Array) {
      sawValue ||= part.length > 0
      continue
    }
    if (part instanceof BigInt64Array || part instanceof BigUint64Array) {
      sawValue ||= part.length > 0
      continue
    }
    for (let i = 0; i < part.length; i++) {
      const v = part[i]
      if (v === null || v === undefined) continue
      sawValue = true
      if (!isNumeric(v)) {
        numeric = false
        break
      }
    }
    if (!numeric) break
  }
  if (numeric && sawValue) {
    const out = new Float64Array(numRows)
    let k = 0
    for (const part of parts) {
      for (let i = 0; i < part.length && k < numRows; i++) {
        const v = part[i]
        out[k++] = v === null || v === undefined ? NaN : Number(v as number | bigint)
      }
    }
    return out
  }
  const out: unknown[] = new Array(numRows)
  let k = 0
  for (const part of parts) for (let i = 0; i < part.length && k < numRows; i++) out[k++] = typeof part[i] === 'bigint' ? Number(part[i]) : (part[i] ?? null)
  for (; k < numRows; k++) out[k] = null
  return out
}

/**
 * Reads a parquet table (pandas/pyarrow writes them for ALF `*.pqt` datasets) column by column,
 * without building row objects. Snappy and uncompressed pages are supported.
 */
export async function readParquetTable(source: ByteSource, options: { columns?: string[] } = {}): Promise<Table> {
  const { parquetMetadataAsync, parquetRead } = await import('hyparquet')
  const size = await source.size()
  const file = asyncBuffer(source, size)
  let metadata
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (error) {
    throw new CorruptFileError(`${source.name} is not a readable parquet file: ${(error as Error).message}`, { file: source.name }, { cause: error })
  }
  const numRows = Number(metadata.num_rows)
  const names = metadata.schema
    .slice(1)
    .filter((e) => e.num_children === undefined || e.num_children === 0)
    .map((e) => e.name)
  const wanted = options.columns ? names.filter((n) => options.columns!.includes(n)) : names
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>()
  for (const name of wanted) chunks.set(name, [])
  if (wanted.length > 0 && numRows > 0) {
    try {
      await parquetRead({
        file,
        metadata,
        columns: wanted,
        onChunk(chunk) {
          chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> })
        },
      })
    } catch (error) {
      const message = (error as Error).message ?? String(error)
      if (/unsupported compression codec/.test(message)) throw new UnsupportedError('parquet-codec', `${source.name} uses a compression codec this reader does not support (${message}); rewrite it with snappy or no compression.`, { file: source.name })
      throw new CorruptFileError(`${source.name}: parquet data could not be decoded: ${message}`, { file: source.name }, { cause: error })
    }
  }
  const columns = new Map<string, TableColumn>()
  for (const [name, parts] of chunks) {
    parts.sort((a, b) => a.rowStart - b.rowStart)
    columns.set(name, normalise(parts.map((p) => p.data), numRows))
  }
  return { numRows, columns }
}

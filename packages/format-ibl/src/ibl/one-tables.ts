import type { Table, TableColumn } from '../lib/parquet.js'
import type { OneCache } from './cache.js'
import { sessionDatasetsFromFiles, type SessionDatasets } from './datasets.js'

/** A UUID from ONE's legacy pair of int64 columns (the UUID's 16 bytes read as two little-endian int64). */
export function uuidFromInt64Pair(a: number | bigint, b: number | bigint): string {
  const view = new DataView(new ArrayBuffer(16))
  view.setBigInt64(0, BigInt(a), true)
  view.setBigInt64(8, BigInt(b), true)
  const h = Array.from(new Uint8Array(view.buffer), (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

async function readTable(cache: OneCache, name: string, columns: string[]): Promise<Table | undefined> {
  if (!(await cache.has(name))) return undefined
  const { readParquetTable } = await import('../lib/parquet.js')
  const source = await cache.open(name)
  try {
    return await readParquetTable(source, { columns })
  } finally {
    await source.close().catch(() => {})
  }
}

/** Row ids of a ONE table: a string column (ONE 2) or the legacy int64 pair `<name>_0`, `<name>_1` (read exactly as bigint pairs are not: see below). */
function ids(table: Table, name: string, raw: Map<string, unknown[]> | undefined): (string | undefined)[] {
  const col = table.columns.get(name)
  if (col && !(col instanceof Float64Array)) return Array.from(col, (v) => (typeof v === 'string' ? v.toLowerCase() : undefined))
  const a = raw?.get(`${name}_0`)
  const b = raw?.get(`${name}_1`)
  if (!a || !b) return new Array(table.numRows).fill(undefined)
  return a.map((x, i) => (typeof x === 'bigint' && typeof b[i] === 'bigint' ? uuidFromInt64Pair(x, b[i] as bigint) : undefined))
}

/** The legacy id columns must stay exact int64: read them as bigint, not through the float conversion of readParquetTable. */
async function rawBigintColumns(cache: OneCache, name: string, columns: string[]): Promise<Map<string, unknown[]> | undefined> {
  if (!(await cache.has(name))) return undefined
  const { parquetRead, parquetMetadataAsync } = await import('hyparquet')
  const source = await cache.open(name)
  try {
    const size = await source.size()
    const file = { byteLength: size, slice: async (s: number, e = size) => (await source.read(s, e - s)).slice().buffer as ArrayBuffer }
    const metadata = await parquetMetadataAsync(file)
    const present = metadata.schema.map((e) => e.name).filter((n) => columns.includes(n))
    if (!present.length) return undefined
    const out = new Map<string, unknown[]>()
    await parquetRead({
      file,
      metadata,
      columns: present,
      onChunk(chunk) {
        const list = out.get(chunk.columnName) ?? []
        for (let i = 0; i < chunk.columnData.length; i++) list[chunk.rowStart + i] = chunk.columnData[i]
        out.set(chunk.columnName, list)
      },
    })
    return out
  } finally {
    await source.close().catch(() => {})
  }
}

function text(col: TableColumn | undefined, i: number): string | undefined {
  const v = col?.[i]
  return typeof v === 'string' ? v : undefined
}

/**
 * The datasets of a session from ONE's own cache tables (`<cache>/sessions.pqt`, `<cache>/datasets.pqt`), for
 * caches filled by ONE itself. Both the ONE 2 layout (string `id`/`eid` columns, sessions joined for the path)
 * and the legacy one (int64 pairs, `session_path` column) are read. Undefined when the tables do not know the session.
 */
export async function oneCacheDatasets(cache: OneCache, eid: string): Promise<SessionDatasets | undefined> {
  const datasets = await readTable(cache, 'datasets.pqt', ['eid', 'rel_path', 'session_path', 'file_size', 'hash', 'exists'])
  if (!datasets) return undefined
  const rawD = datasets.columns.has('eid') ? undefined : await rawBigintColumns(cache, 'datasets.pqt', ['eid_0', 'eid_1'])
  const eids = ids(datasets, 'eid', rawD)
  const want = eid.toLowerCase()
  const rows = eids.map((e, i) => (e === want ? i : -1)).filter((i) => i >= 0)
  if (rows.length === 0) return undefined
  let sessionPath = text(datasets.columns.get('session_path'), rows[0])
  if (!sessionPath) {
    const sessions = await readTable(cache, 'sessions.pqt', ['id', 'lab', 'subject', 'date', 'number'])
    if (!sessions) return undefined
    const rawS = sessions.columns.has('id') ? undefined : await rawBigintColumns(cache, 'sessions.pqt', ['id_0', 'id_1'])
    const r = ids(sessions, 'id', rawS).indexOf(want)
    if (r < 0) return undefined
    const date = sessions.columns.get('date')?.[r]
    const day = date instanceof Date ? date.toISOString().slice(0, 10) : String(date ?? '')
    const number = Number(sessions.columns.get('number')?.[r])
    sessionPath = `${text(sessions.columns.get('lab'), r)}/Subjects/${text(sessions.columns.get('subject'), r)}/${day}/${String(number).padStart(3, '0')}`
  }
  const relCol = datasets.columns.get('rel_path')
  const sizeCol = datasets.columns.get('file_size')
  const hashCol = datasets.columns.get('hash')
  const existsCol = datasets.columns.get('exists')
  const files = rows
    .filter((i) => existsCol?.[i] !== false)
    .map((i) => {
      const size = Number(sizeCol?.[i])
      return { relPath: text(relCol, i) ?? '', size: Number.isFinite(size) ? size : undefined, md5: text(hashCol, i) }
    })
    .filter((f) => f.relPath)
  return sessionDatasetsFromFiles(sessionPath, files)
}

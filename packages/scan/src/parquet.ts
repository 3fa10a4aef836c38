import { closeSync, openSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ParquetWriter, fileWriter } from 'hyparquet-writer'
import { RECORDING_COLUMNS, UNIT_COLUMNS, type ColumnSpec, type RecordingRow, type UnitRow } from './columns.js'
import { readLedgerEntry, type LedgerLine } from './ledger.js'

/** The recordings table's file name in an output folder. */
export const RECORDINGS_FILE = 'recordings.parquet'
/** The units table's file name in an output folder. */
export const UNITS_FILE = 'units.parquet'
/** Unit rows buffered before a row group is written: bounds the memory of writing whatever the number of recordings. */
const ROW_GROUP_UNITS = 50_000
const ROW_GROUP_RECORDINGS = 10_000

const TYPES = {
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  DOUBLE: { type: 'DOUBLE' },
} as const

/** Counts of what was written. */
export interface TablesWritten {
  recordings: number
  units: number
  ok: number
  failed: number
}

/**
 * Writes recordings.parquet and units.parquet into `folder` from ledger lines (in the order given), in row
 * groups, each file first under a temporary name and renamed when complete.
 */
export function writeTables(lines: readonly LedgerLine[], folder: string): TablesWritten {
  const recordings = new TableWriter<RecordingRow>(join(folder, RECORDINGS_FILE), RECORDING_COLUMNS, ROW_GROUP_RECORDINGS)
  const units = new TableWriter<UnitRow>(join(folder, UNITS_FILE), UNIT_COLUMNS, ROW_GROUP_UNITS)
  const counts: TablesWritten = { recordings: 0, units: 0, ok: 0, failed: 0 }
  const fds = new Map<string, number>()
  try {
    for (const line of lines) {
      let fd = fds.get(line.file)
      if (fd === undefined) fds.set(line.file, (fd = openSync(line.file, 'r')))
      const entry = readLedgerEntry(line, fd)
      recordings.add(entry.recording)
      counts.recordings++
      if (entry.recording.status === 'ok') counts.ok++
      else counts.failed++
      for (const unit of entry.units) units.add(unit)
      counts.units += entry.units.length
    }
    recordings.finish()
    units.finish()
  } catch (error) {
    recordings.abort()
    units.abort()
    throw error
  } finally {
    for (const fd of fds.values()) closeSync(fd)
  }
  return counts
}

class TableWriter<R> {
  readonly #temp: string
  readonly #writer: ParquetWriter
  #rows: R[] = []
  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec<R>[],
    readonly groupRows: number,
  ) {
    this.#temp = `${path}.partial-${process.pid}`
    const schema = [
      { name: 'root', num_children: columns.length },
      ...columns.map((c) => ({ name: c.name, ...TYPES[c.type], repetition_type: c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const) })),
    ]
    this.#writer = new ParquetWriter({ writer: fileWriter(this.#temp), schema, createdBy: '@spikes/scan' })
  }

  add(row: R): void {
    this.#rows.push(row)
    if (this.#rows.length >= this.groupRows) this.#flush()
  }

  finish(): void {
    this.#flush()
    this.#writer.finish()
    renameSync(this.#temp, this.path)
  }

  abort(): void {
    rmSync(this.#temp, { force: true })
  }

  #flush(): void {
    if (this.#rows.length === 0) return
    const rows = this.#rows
    this.#rows = []
    const columnData = this.columns.map((c) => ({ name: c.name, data: rows.map((r) => toParquet(r[c.name], c.type)) }))
    this.#writer.write({ columnData, rowGroupSize: rows.length })
  }
}

function toParquet(value: unknown, type: ColumnSpec<unknown>['type']): unknown {
  if (value === null || value === undefined) return null
  if (type === 'INT64') return BigInt(Math.round(Number(value)))
  return value
}

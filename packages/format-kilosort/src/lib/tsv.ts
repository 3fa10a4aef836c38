import { parseDelimitedRows } from '@spikes/core/delimited'

/** A parsed tab-separated table: header names and rows of trimmed cells ('' for a missing cell). */
export interface TsvTable {
  readonly columns: string[]
  readonly rows: string[][]
}

/**
 * Splits a Phy / KiloSort TSV (csv-parse, quotes as ordinary characters). Tolerates CRLF, a BOM, blank
 * lines, short rows and stray quotes (a cell wrapped in double quotes loses them; a lone quote stays).
 * Returns undefined when the text holds no header at all (pandas' EmptyDataError).
 */
export function parseTsv(text: string): TsvTable | undefined {
  let header: string[] | undefined
  const rows: string[][] = []
  for (const record of parseDelimitedRows(text, { delimiter: '\t', quote: false })) {
    if (record.every((cell) => cell.trim() === '')) continue
    const cells = record.map(cleanCell)
    if (!header) header = cells
    else {
      while (cells.length < header.length) cells.push('')
      rows.push(cells)
    }
  }
  if (!header) return undefined
  return { columns: header, rows }
}

function cleanCell(cell: string): string {
  let c = cell.trim()
  if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1).replace(/""/g, '"').trim()
  return c
}

/** The index of the first column named one of `names` (in that order of preference), or -1. */
export function findColumn(table: TsvTable, ...names: string[]): number {
  for (const n of names) {
    const i = table.columns.indexOf(n)
    if (i >= 0) return i
  }
  return -1
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const SPECIAL = /^[+-]?(?:nan|inf|infinity)$/i

/** A cell as pandas would type it in a numeric column: a number, or undefined when it is not one. */
export function cellNumber(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell)
  if (SPECIAL.test(cell)) return cell.toLowerCase().includes('nan') ? NaN : cell.startsWith('-') ? -Infinity : Infinity
  return undefined
}

/**
 * A column converted like pandas' `astype(int)`: an all-numeric column truncates toward zero (NaN or
 * an empty cell fails); a column holding text converts each cell with Python's int() (integer
 * literals only). Returns the error text on failure.
 */
export function intColumn(table: TsvTable, column: number): number[] | string {
  const cells = table.rows.map((r) => r[column] ?? '')
  const numbers = cells.map((c) => (c === '' ? NaN : cellNumber(c)))
  const allNumeric = numbers.every((n) => n !== undefined)
  const out: number[] = []
  for (let i = 0; i < cells.length; i++) {
    if (allNumeric) {
      const n = numbers[i] as number
      if (!Number.isFinite(n)) return `cannot convert ${cells[i] === '' ? 'an empty cell' : `'${cells[i]}'`} (row ${i + 1} of column '${table.columns[column]}') to an integer`
      out.push(Math.trunc(n))
    } else {
      if (!/^[+-]?\d+$/.test(cells[i])) return `invalid literal for int() with base 10: '${cells[i]}' (row ${i + 1} of column '${table.columns[column]}')`
      out.push(Number(cells[i]))
    }
  }
  return out
}

/** A cell as an attribute value: a number when it reads as one, else the text; undefined when empty. */
export function cellValue(cell: string): number | string | undefined {
  if (cell === '') return undefined
  const n = cellNumber(cell)
  return n === undefined || Number.isNaN(n) ? (n === undefined ? cell : undefined) : n
}

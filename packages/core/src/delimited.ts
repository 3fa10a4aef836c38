// Delimited text (TSV, CSV) for format plugins, on csv-parse. A separate entry: csv-parse (and, in
// browsers, its bundled Buffer shim) loads only for the plugins that read such files.
import { parse } from '#csv-parse-sync'
import { InvalidDataError } from './errors.js'

/** How `parseDelimitedRows` splits the text. */
export interface DelimitedOptions {
  /** The field separator: `'\t'` for TSV, `','` for CSV; several (`[',', ' ']`) split on any of them. */
  readonly delimiter: string | readonly string[]
  /**
   * The quote character of CSV fields (`'"'`: a quoted field may hold separators, line breaks and
   * doubled quotes), or `false` (TSV as Phy and pandas write it: a quote is an ordinary character).
   */
  readonly quote: '"' | false
  /** The file's name, for error messages. */
  readonly name?: string
}

/** One row of `parseDelimitedRecords`: its cells and the (1-based) line it ends on. */
export interface DelimitedRecord {
  readonly cells: string[]
  readonly line: number
}

/**
 * Splits delimited text into rows of cells, as written (no trimming, no type conversion). A UTF-8 BOM
 * is dropped; lines end in `\r\n`, `\n` or `\r` (mixed too); empty lines are skipped; rows may have
 * any number of cells; a stray quote inside an unquoted CSV field is kept as text. Text CSV cannot
 * parse (a quoted field never closed) throws `InvalidDataError` (`SPIKES_INVALID_DATA`).
 */
export function parseDelimitedRows(text: string, options: DelimitedOptions): string[][] {
  return parseWith(text, options, false) as string[][]
}

/** As `parseDelimitedRows`, with the line each row ends on (for messages that point at a line). */
export function parseDelimitedRecords(text: string, options: DelimitedOptions): DelimitedRecord[] {
  return (parseWith(text, options, true) as { record: string[]; info: { lines: number } }[]).map(({ record, info }) => ({ cells: record, line: info.lines }))
}

function parseWith(text: string, options: DelimitedOptions, info: boolean): unknown[] {
  try {
    return parse(text, {
      delimiter: typeof options.delimiter === 'string' ? options.delimiter : [...options.delimiter],
      quote: options.quote === false ? null : options.quote,
      escape: options.quote === false ? null : options.quote,
      record_delimiter: ['\r\n', '\n', '\r'],
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info,
    })
  } catch (error) {
    const what = options.name ? `'${options.name}'` : 'The delimited text'
    const reason = error instanceof Error ? error.message : String(error)
    throw new InvalidDataError(`${what} is not readable ${options.delimiter === '\t' ? 'TSV' : 'CSV'}: ${reason}. Check that every quoted field is closed, or re-export the table.`, { file: options.name }, { cause: error })
  }
}

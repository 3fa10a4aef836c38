import { describe, expect, it } from 'vitest'
import { InvalidDataError } from '../src/index.js'
import { parseDelimitedRecords, parseDelimitedRows } from '../src/delimited.js'

const TSV = { delimiter: '\t', quote: false } as const
const CSV = { delimiter: ',', quote: '"' } as const

describe('parseDelimitedRows', () => {
  it('splits TSV with a BOM, mixed line ends, blank lines and ragged rows, keeping cells as written', () => {
    const rows = parseDelimitedRows('\uFEFFid\tgroup\r\n0\tgood\r\r\n\n1\n2\tmua\t extra \r3\t"x"\t"y\n', TSV)
    expect(rows).toEqual([['id', 'group'], ['0', 'good'], ['1'], ['2', 'mua', ' extra '], ['3', '"x"', '"y']])
  })

  it('keeps whitespace-only lines (callers decide) and returns no rows for empty text', () => {
    expect(parseDelimitedRows('a\n  \n\t\n', TSV)).toEqual([['a'], ['  '], ['', '']])
    expect(parseDelimitedRows('', TSV)).toEqual([])
    expect(parseDelimitedRows('\uFEFF\r\n\n', TSV)).toEqual([])
  })

  it('reads CSV quoting: separators and line breaks inside quotes, doubled quotes, stray quotes as text', () => {
    const rows = parseDelimitedRows('name,note\r\n"a,b","two\nlines"\nc,"say ""hi"""\nd,5"7\n', CSV)
    expect(rows).toEqual([['name', 'note'], ['a,b', 'two\nlines'], ['c', 'say "hi"'], ['d', '5"7']])
  })

  it('throws InvalidDataError naming the file when a quoted field is never closed', () => {
    let caught: unknown
    try {
      parseDelimitedRows('a,b\n1,"open\n2,3\n', { ...CSV, name: 'clusters.metrics.csv' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InvalidDataError)
    expect(caught).toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'clusters.metrics.csv' })
    expect((caught as Error).message).toMatch(/^'clusters\.metrics\.csv' is not readable CSV: Quote Not Closed/)
  })
})

describe('parseDelimitedRecords', () => {
  it('splits on any of several separators and gives the line each row ends on', () => {
    const records = parseDelimitedRecords('1,2\n\n3 4\r\n5\t,6\n', { delimiter: [',', ' ', '\t'], quote: false })
    expect(records).toEqual([
      { cells: ['1', '2'], line: 1 },
      { cells: ['3', '4'], line: 3 },
      { cells: ['5', '', '6'], line: 4 },
    ])
  })
})

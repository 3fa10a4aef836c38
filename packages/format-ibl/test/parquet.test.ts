import { describe, expect, it } from 'vitest'
import { bytesSource } from '@spikes/core'
import { fileSource } from '@spikes/core/node'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { readParquetTable } from '../src/index.js'
import { writeParquet } from '@spikes/testing/ibl'

describe('parquet tables', () => {
  it('reads what the test writer writes (doubles, int64, nullable strings, booleans)', async () => {
    const bytes = writeParquet([
      { name: 'x', type: 'double', values: [1.5, NaN, -3] },
      { name: 'id', type: 'int64', values: [7, 8, 9007199254740991] },
      { name: 's', type: 'string', values: ['a', null, 'ccc'] },
      { name: 'b', type: 'boolean', values: [true, false, true] },
    ])
    const t = await readParquetTable(bytesSource(bytes, 't.pqt'))
    expect(t.numRows).toBe(3)
    expect(Array.from(t.columns.get('x') as Float64Array)).toEqual([1.5, NaN, -3])
    expect(Array.from(t.columns.get('id') as Float64Array)).toEqual([7, 8, 9007199254740991])
    expect(t.columns.get('s')).toEqual(['a', null, 'ccc'])
    expect(t.columns.get('b')).toEqual([true, false, true])
  })

  it('refuses bytes that are not parquet', async () => {
    await expect(readParquetTable(bytesSource(new Uint8Array(100), 'x.pqt'))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })

  const trials = realdata('ibl_alf', 'ibllib-brainbox-fixtures', 'passiveChoiceWorld_trials_fixtures.pqt')
  const sessions = realdata('ibl_alf', 'ONE-test-fixtures', 'cache_tables', 'sessions.pqt')
  const present = sharedAvailable(trials) && sharedAvailable(sessions)
  if (!present && IN_CI) it('real parquet files are present', () => expect(present).toBe(true))
  it.skipIf(!present)('reads real pandas/pyarrow tables (snappy, nullable columns)', async () => {
    // Row counts and first values from the files' own footers / pandas at authoring time.
    const t = await readParquetTable(await fileSource(trials))
    expect(t.numRows).toBe(3600)
    expect((t.columns.get('stim_delay') as Float64Array)[0]).toBe(1.4091032319483257)
    expect((t.columns.get('stim_type') as string[]).slice(0, 2)).toEqual(['V', 'G'])
    expect(Number.isNaN((t.columns.get('contrast') as Float64Array)[0])).toBe(true)
    const s = await readParquetTable(await fileSource(sessions))
    expect(s.numRows).toBe(26)
    expect((s.columns.get('subject') as string[])[0]).toBe('ZFM-01935')
  })
})

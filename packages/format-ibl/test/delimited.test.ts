import { describe, expect, it } from 'vitest'
import { parseDelimited } from '../src/lib/read-attribute.js'

describe('ALF text attributes', () => {
  it('types all-numeric CSV columns as Float64Array and keeps quoted text with commas', () => {
    const table = parseDelimited('\uFEFFcluster_id,acronym,depth\r\n0,"CA1, dorsal",12.5\r\n1,VISp,\r\n2,"say ""x""",NaN\r\n', ',', 'clusters.table.csv')
    expect(table.numRows).toBe(3)
    expect([...table.columns.keys()]).toEqual(['cluster_id', 'acronym', 'depth'])
    expect(table.columns.get('cluster_id')).toEqual(Float64Array.from([0, 1, 2]))
    expect(table.columns.get('acronym')).toEqual(['CA1, dorsal', 'VISp', 'say "x"'])
    expect(Array.from(table.columns.get('depth') as Float64Array)).toEqual([12.5, NaN, NaN])
  })

  it('reads TSV quotes as text and pads short rows', () => {
    const table = parseDelimited('uuid\tlabel\n"a-1"\tgood\nb-2\n', '\t')
    expect(table.columns.get('uuid')).toEqual(['"a-1"', 'b-2'])
    expect(table.columns.get('label')).toEqual(['good', ''])
  })

  it('rejects a CSV whose quoted field never closes with SPIKES_INVALID_DATA', () => {
    expect(() => parseDelimited('a,b\n1,"x\n', ',', 'channels.csv')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', file: 'channels.csv' }))
  })
})

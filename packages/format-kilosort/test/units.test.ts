import { readFileSync } from 'node:fs'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { parseParamsPy, parseTsv } from '../src/index.js'
import { ClusterCounter, SlotTable } from '../src/lib/cluster-index.js'
import { ScatterTarget, scatterChunk, scatterInt64Chunk } from '../src/lib/scatter.js'
import { intColumn } from '../src/lib/tsv.js'

describe('parseTsv', () => {
  it('tolerates CRLF, BOM, blank rows, short rows and quoted cells', () => {
    const t = parseTsv('\uFEFFcluster_id\t"group"\r\n\r\n0\t"good"\r\n1\r\n2\tmua\t extra \r\n')!
    expect(t.columns).toEqual(['cluster_id', 'group'])
    expect(t.rows).toEqual([['0', 'good'], ['1', ''], ['2', 'mua', 'extra']])
    expect(parseTsv('\n\r\n  \n')).toBeUndefined()
  })
  it("converts ids like pandas' astype(int)", () => {
    expect(intColumn(parseTsv('id\n1\n2.7\n-3\n')!, 0)).toEqual([1, 2, -3])
    expect(typeof intColumn(parseTsv('id\n1\n\n2\nNaN\n')!, 0)).toBe('string')
    expect(typeof intColumn(parseTsv('id\n1\nx\n')!, 0)).toBe('string')
  })
  const onlab = realdata('kilosort_phy', 'onlab-phy-cluster-tables', 'cluster_info.tsv')
  let text: string | undefined
  try {
    text = readFileSync(onlab, 'utf8')
  } catch {
    text = undefined
  }
  ;(text || IN_CI ? it : it.skip)('reads the real onlab cluster_info.tsv (CRLF, 11 columns, ids with gaps)', () => {
    const t = parseTsv(text!)!
    // header and the first rows, read by eye from the file (PROVENANCE.md lists the columns)
    expect(t.columns).toEqual(['cluster_id', 'Amplitude', 'ContamPct', 'KSLabel', 'amp', 'ch', 'depth', 'fr', 'group', 'n_spikes', 'sh'])
    expect(t.rows[0]).toEqual(['0', '3202.20000000', '100.00000000', 'mua', '62.75246429', '3', '40.00000000', '0.05503643', 'mua', '139', '0'])
    expect(t.rows[2][0]).toBe('3') // no cluster 2 (merged away)
    expect(t.rows.every((r) => r.length === 11)).toBe(true)
  })
})

describe('parseParamsPy', () => {
  it('reads literals and skips everything else without evaluating it', () => {
    const p = parseParamsPy("# Phy\ndat_path = ['a.bin', \"b.bin\"]\nn_channels_dat = 385\nsample_rate = 3e4  # Hz\nx = open('/etc/passwd').read()\ny=(1,\n 2)\nz = {'a': None}\n")
    expect(p.values).toEqual({ dat_path: ['a.bin', 'b.bin'], n_channels_dat: 385, sample_rate: 30000, y: [1, 2], z: { a: null } })
    expect(p.skipped).toEqual(['x'])
  })
})

describe('ClusterCounter', () => {
  it('counts dense, grown and sparse ids and lists them like numpy.unique', () => {
    const c = new ClusterCounter('c.npy')
    c.add(new Int32Array([3, 1, 3, 5000]))
    c.add(new Float64Array([-2, 2 ** 40, 1]))
    expect(c.result()).toEqual({ ids: [-2, 1, 3, 5000, 2 ** 40], counts: [1, 2, 2, 1, 1] })
  })
})

describe('scatterInt64Chunk', () => {
  const never = () => {
    throw new Error('unexpected')
  }
  it('combines the words, converts, and copes with unaligned bytes', () => {
    const words = new Uint8Array(1 + 16)
    const dv = new DataView(words.buffer, 1)
    dv.setBigUint64(0, 30000n, true)
    dv.setBigUint64(8, 2n ** 40n, true)
    const target = new ScatterTarget([0, 1, 2])
    scatterInt64Chunk(words.subarray(1), false, new Int32Array([1, 0]), new SlotTable([0, 1], [0, 1]), target, 'samples', 30000, never)
    expect(Array.from(target.out)).toEqual([(2 ** 40 / 30000) * 1e3, 1000])
    expect(target.max()).toBe((2 ** 40 / 30000) * 1e3)
    expect(target.sorted).toBe(true)
  })
  it('notices a train that goes back in time, across chunks, and leaves dropped clusters out of it', () => {
    const target = new ScatterTarget([0, 2, 3])
    const slots = new SlotTable([0, 1, 2], [0, -1, 1])
    scatterInt64Chunk(new Uint8Array(new BigUint64Array([5n, 1n, 9n]).buffer), false, new Int32Array([0, 1, 2]), slots, target, 'ms', 1, never)
    expect(target.sorted).toBe(true) // cluster 1 is dropped: its 1 ms does not count
    scatterInt64Chunk(new Uint8Array(new BigUint64Array([4n]).buffer), false, new Int32Array([0]), slots, target, 'ms', 1, never)
    expect(Array.from(target.out)).toEqual([5, 4, 9])
    expect(target.sorted).toBe(false)
    expect(target.max()).toBe(9)
  })
  it('refuses values beyond ±2^53 (signed and unsigned)', () => {
    const b = new BigInt64Array([-(2n ** 53n) - 1n])
    expect(() =>
      scatterInt64Chunk(new Uint8Array(b.buffer), true, new Int32Array([0]), new SlotTable([0], [0]), new ScatterTarget([0, 1]), 'ms', 1, (i) => {
        throw new Error(`too large at ${i}`)
      }),
    ).toThrow('too large at 0')
  })
})

describe('scatterChunk', () => {
  it('counts NaN as out of order, so that SpikeData checks the times itself', () => {
    const target = new ScatterTarget([0, 2])
    scatterChunk(new Float64Array([1, 2]), new Int32Array([0, 0]), new SlotTable([0], [0]), target, 's', 1)
    expect(target.sorted).toBe(true)
    expect(Array.from(target.out)).toEqual([1000, 2000])
    const nan = new ScatterTarget([0, 2])
    scatterChunk(new Float64Array([1, NaN]), new Int32Array([0, 0]), new SlotTable([0], [0]), nan, 's', 1)
    expect(nan.sorted).toBe(false)
  })
})

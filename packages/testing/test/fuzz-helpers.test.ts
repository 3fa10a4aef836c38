import { CorruptFileError } from '@spikes/core'
import { describe, expect, it } from 'vitest'
import { fuzzFile, fuzzFolders, fuzzOnce, mutations } from '../src/index.js'

const corrupt = () => {
  throw new CorruptFileError('bad header', { file: 'x' })
}

describe('the fuzz loop', () => {
  it('tells a value from a SpikesError, sync or async', async () => {
    expect(await fuzzOnce('ok', () => 1)).toBe('value')
    expect(await fuzzOnce('ok async', async () => 1)).toBe('value')
    expect(await fuzzOnce('typed', corrupt)).toBe('error')
    expect(await fuzzOnce('typed async', async () => corrupt())).toBe('error')
  })

  it('fails on any other exception, naming the input and what replays it', async () => {
    const error = await fuzzOnce('bit-flip mutation of a.bin', () => [].map.call(null, String), { dump: () => 'bytes (base64): AAE=' }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/^bit-flip mutation of a\.bin threw a non-SpikesError: TypeError: .*\n[\s\S]*bytes \(base64\): AAE=$/)
  })

  it('fails on a load slower than the limit', async () => {
    const slow = () => new Promise((resolve) => setTimeout(resolve, 40))
    await expect(fuzzOnce('slow one', slow, { maxMs: 5 })).rejects.toThrow('slow one took too long')
    expect(await fuzzOnce('slow one', slow, { maxMs: 5000 })).toBe('value')
  })

  it('fuzzFile loads every mutation of the seeded sequence and counts the outcomes', async () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i)
    const seen: Uint8Array[] = []
    const counts = await fuzzFile('a.bin', bytes, (b) => {
      seen.push(b)
      if (b.length < 64) corrupt()
    }, { count: 12, seed: 3 })
    const expected = [...mutations(bytes, 12, 3)].map((m) => m.bytes)
    expect(seen).toEqual(expected)
    expect(counts).toEqual({ value: expected.filter((b) => b.length === 64).length, error: expected.filter((b) => b.length < 64).length })
    expect(counts.error).toBe(3)
  })

  it('fuzzFolders mutates one file at a time, skips what it is told to, and forces every other load', async () => {
    const seeds = { a: { 'x.txt': 'hello world', 'keep.xml': '<x/>' }, b: { 'y.bin': new Uint8Array(32) } }
    const loads: { path: string; seed: string; forced: boolean; intact: boolean }[] = []
    const counts = await fuzzFolders(seeds, (files, which) => {
      loads.push({ ...which, intact: files['keep.xml'] === '<x/>' || which.seed === 'b' })
    }, { count: (seed) => (seed === 'a' ? 4 : 2), skip: (path) => path.endsWith('.xml') })
    expect(counts).toEqual({ value: 6, error: 0 })
    expect(loads.map((l) => `${l.seed}/${l.path}`)).toEqual(['a/x.txt', 'a/x.txt', 'a/x.txt', 'a/x.txt', 'b/y.bin', 'b/y.bin'])
    expect(loads.map((l) => l.forced)).toEqual([true, false, true, false, false, true])
    expect(loads.every((l) => l.intact)).toBe(true)
  })
})

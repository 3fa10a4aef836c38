// Chunks inflated straight into the output (zlib writing into the caller's memory on libuv's pool) and
// readNumericAsync's onPlaced runs: each run's values are in place when it is announced, the runs cover the
// selection once, a change made in a run stays, and the paths that read all at once announce one run.
import { deflateSync } from 'node:zlib'
import { bytesSource } from '@spikes/core'
import { describe, expect, it } from 'vitest'
import { inPlace, InflateOverflow, platformInflater } from '../src/chunks/inflate.js'
import { openHdf5, openTree, type Hdf5Dataset, type NumericOut } from '../src/index.js'
import { h5, writeHdf5 } from '../src/write/index.js'

const CHUNK = 4_096 // 32 KiB of float64: large enough for the inflate-in-place path
// 40 full chunks and an edge chunk: over the 1 MiB that the tree reader would read ahead whole.
const LENGTH = 40 * CHUNK + 777
const value = (i: number) => i * 0.5 - 3

async function chunkedFile(): Promise<Uint8Array> {
  const data = Float64Array.from({ length: LENGTH }, (_, i) => value(i))
  const root = h5.group({
    gzip: h5.dataset(data, { chunks: [CHUNK], gzip: 4 }),
    contiguous: h5.dataset(Float64Array.from({ length: 300 }, (_, i) => value(i))),
  })
  return (await writeHdf5(root))!
}

/** Reads `name` with onPlaced checking each run on arrival and doubling its values in place. */
async function readRuns(read: (options: { onPlaced: (start: number, end: number, values: NumericOut) => void }) => Promise<NumericOut>): Promise<{ out: Float64Array; runs: [number, number][]; early: number }> {
  const runs: [number, number][] = []
  let early = 0
  const out = await read({
    onPlaced: (start, end, placed) => {
      const values = placed as Float64Array
      runs.push([start, end])
      for (let i = start; i < end; i++) {
        if (values[i] !== value(i)) early++
        values[i] *= 2
      }
    },
  })
  runs.sort((a, b) => a[0] - b[0])
  return { out: out as Float64Array, runs, early }
}

function expectDoubled(out: Float64Array, length: number): void {
  expect(out.length).toBe(length)
  let wrong = 0
  for (let i = 0; i < length; i++) if (out[i] !== 2 * value(i)) wrong++
  expect(wrong).toBe(0)
}

const chunkRuns = Array.from({ length: 41 }, (_, k) => [k * CHUNK, Math.min(LENGTH, (k + 1) * CHUNK)])

describe('readNumericAsync onPlaced', () => {
  it.each([
    ['h5wasm-opened file', async (bytes: Uint8Array) => (await openHdf5(bytesSource(bytes, 'runs.h5'))) as { dataset(path: string): Hdf5Dataset; close(): Promise<void> }],
    // Left lazy, as NWB's spike_times are: else the tree reads small datasets ahead, all at once.
    ['tree reader', async (bytes: Uint8Array) => Object.assign(await openTree(bytesSource(bytes, 'runs.h5'), { lazy: (path) => path === '/gzip' }), { close: async () => {} })],
  ])('%s: one run per chunk, each in place when announced, changes kept', async (_, open) => {
    const file = await open(await chunkedFile())
    try {
      const { out, runs, early } = await readRuns((o) => file.dataset('gzip').readNumericAsync(o))
      expect(runs).toEqual(chunkRuns)
      expect(early).toBe(0)
      expectDoubled(out, LENGTH)
      const contiguous = await readRuns((o) => file.dataset('contiguous').readNumericAsync(o))
      expect(contiguous.runs).toEqual([[0, 300]])
      expectDoubled(contiguous.out, 300)
      const slice = await readRuns((o) => file.dataset('gzip').readNumericAsync({ ...o, start: 10, count: 5 }))
      expect(slice.runs).toEqual([[0, 5]])
      expect(Array.from(slice.out)).toEqual([10, 11, 12, 13, 14].map((i) => 2 * value(i)))
    } finally {
      await file.close()
    }
  })
})

describe('inflating into the caller’s memory', () => {
  const plain = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 7 + (i >> 9)) & 0xff)
  const deflated = new Uint8Array(deflateSync(plain))

  it('writes the output at its place: the pieces handed over are views of the target', async () => {
    const inflater = (await platformInflater())!
    const parent = new Uint8Array(plain.length + 64).fill(0xee)
    const into = parent.subarray(32, 32 + plain.length)
    let at = 0
    let copied = 0
    const produced = await inflater.inflate(deflated, (piece) => {
      if (!inPlace(piece, into, at)) copied += piece.length
      at += piece.length
    }, plain.length, into)
    expect(produced).toBe(plain.length)
    expect(copied).toBe(0)
    expect(Buffer.compare(into, plain)).toBe(0)
    expect([...parent.subarray(0, 32), ...parent.subarray(32 + plain.length)].every((b) => b === 0xee)).toBe(true)
  })

  it('a chunk that inflates short of its size says how much it produced; a damaged one rejects', async () => {
    const inflater = (await platformInflater())!
    const into = new Uint8Array(plain.length + 4_096)
    expect(await inflater.inflate(deflated, () => {}, into.length, into)).toBe(plain.length)
    expect(Buffer.compare(into.subarray(0, plain.length), plain)).toBe(0)
    const damaged = deflated.slice()
    damaged.fill(0xff, 10, 400)
    const error = await inflater.inflate(damaged, () => {}, plain.length, new Uint8Array(plain.length)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(InflateOverflow)
  })

  it('a chunk that inflates past its size stops with InflateOverflow and writes nothing past the target', async () => {
    const inflater = (await platformInflater())!
    const parent = new Uint8Array(plain.length).fill(0xee)
    const into = parent.subarray(0, 32 * 1024)
    const error = await inflater.inflate(deflated, () => {}, into.length, into).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InflateOverflow)
    expect((error as InflateOverflow).limit).toBe(32 * 1024)
    expect(parent.subarray(32 * 1024).every((b) => b === 0xee)).toBe(true)
  })
})

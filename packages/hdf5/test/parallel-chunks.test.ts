// readNumericAsync: whole 1-D deflate/shuffle-chunked datasets read from the file's bytes with the chunks
// inflated in parallel, checked value for value against h5wasm's readNumeric; every layout, filter or type
// the parallel path does not take must still read correctly (through h5wasm). Fixtures: make-parallel-chunks.py.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ByteSource } from '@spikes/core'
import { describe, expect, it } from 'vitest'
import { openHdf5, type Hdf5File } from '../src/index.js'
import { planChunks } from '../src/layout/check-chunks.js'
import { openRawFile } from '../src/layout/raw-file.js'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const CHUNKS = readFileSync(fixture('parallel-chunks.h5'))
const LATEST = readFileSync(fixture('parallel-chunks-latest.h5'))

/** A path-less source over `bytes` that counts the reads made after opening (the parallel path's reads). */
function counted(bytes: Uint8Array, name = 'chunks.h5') {
  const log = { reads: 0 }
  const source: ByteSource = {
    type: 'file',
    name,
    size: async () => bytes.length,
    read: async (offset, length) => {
      log.reads++
      return bytes.subarray(offset, offset + length)
    },
    close: async () => {},
  }
  return { source, log }
}

async function withCounted<T>(bytes: Uint8Array, fn: (file: Hdf5File, log: { reads: number }) => Promise<T>): Promise<T> {
  const { source, log } = counted(bytes)
  const file = await openHdf5(source)
  log.reads = 0
  try {
    return await fn(file, log)
  } finally {
    await file.close()
  }
}


describe('readNumericAsync: the parallel chunk path', () => {
  it.each([
    ['gzip_f8', (i: number) => i * 0.25, 10_500],
    ['shuffle_f4', (i: number) => Math.fround(i * 0.5 - 7), 3_001],
    ['shuffle_i2', (i: number) => ((i * 37) % 60_000) - 30_000, 2_000],
    ['gzip_u4', (i: number) => Number((BigInt(i) * 2_654_435_761n) % 2n ** 32n), 1_500],
    ['deep_f8', (i: number) => Math.sin(i * 0.01), 20_000],
    ['masked_f8', (i: number) => i * 0.125, 3_000],
  ])('%s: every value as h5wasm reads it, from the file bytes', async (name, value, length) => {
    await withCounted(CHUNKS, async (file, log) => {
      const ds = file.dataset(name)
      const parallel = await ds.readNumericAsync()
      expect(log.reads).toBeGreaterThan(2)
      expect(parallel).toBeInstanceOf(Float64Array)
      expect(parallel.length).toBe(length)
      const expected = ds.readNumeric()
      let wrong = 0
      for (let i = 0; i < length; i++) if (parallel[i] !== expected[i] || Math.abs(parallel[i] - value(i)) > 1e-12) wrong++
      expect(wrong).toBe(0)
    })
  })

  it('fills a given output at an offset, and reads the stored type with as: native', async () => {
    await withCounted(CHUNKS, async (file) => {
      const out = new Float64Array(10_505).fill(-9)
      expect(await file.dataset('gzip_f8').readNumericAsync({ out, outOffset: 5 })).toBe(out)
      expect(Array.from(out.subarray(0, 6))).toEqual([-9, -9, -9, -9, -9, 0])
      expect(out[10_504]).toBe(10_499 * 0.25)
      const native = await file.dataset('shuffle_i2').readNumericAsync({ as: 'native' })
      expect(native).toBeInstanceOf(Int16Array)
      expect(Array.from(native.subarray(0, 3) as Int16Array)).toEqual([-30_000, -29_963, -29_926])
      const floats = await file.dataset('shuffle_f4').readNumericAsync({ out: new Float32Array(3_001) })
      expect(floats[3_000]).toBe(Math.fround(1_493))
    })
  })

  it('reads single-chunk and fixed-array datasets of a libver=latest file (layout v4, v2 object header)', async () => {
    await withCounted(LATEST, async (file, log) => {
      const values = await file.dataset('single_f8').readNumericAsync()
      expect(log.reads).toBeGreaterThan(0)
      expect(values.length).toBe(4_000)
      expect(values[3_999]).toBe(3_999 * 0.5)
      log.reads = 0
      const fixed = await file.dataset('fixed_f8').readNumericAsync()
      expect(log.reads).toBe(11)
      expect(fixed[10_499]).toBe(10_499 * 0.25)
    })
  })

  it('reads a File/Blob in Node the same way', async () => {
    const file = await openHdf5(new Blob([CHUNKS]))
    try {
      const values = await file.dataset('deep_f8').readNumericAsync()
      expect(values[19_999]).toBeCloseTo(Math.sin(19_999 * 0.01), 12)
    } finally {
      await file.close()
    }
  })
})

describe('readNumericAsync: what the parallel path leaves to h5wasm', () => {
  it.each([
    ['sparse_f8', (i: number) => (i >= 2000 && i < 3000 ? i - 2000 : -1), 5_000, 'a missing chunk (fill values)'],
    ['fletcher_f8', (i: number) => i, 2_000, 'fletcher32 checksums'],
    ['gzip_i8', (i: number) => i * 3, 2_000, '64-bit integers'],
    ['gzip_be_f8', (i: number) => i * 0.5, 2_000, 'big-endian data'],
    ['contiguous_f8', (i: number) => i * 2, 100, 'contiguous storage'],
    ['plain_chunked_f8', (i: number) => i * 1.5, 900, 'chunks without filters'],
  ])('%s (%s) reads as readNumeric does', async (name, value, length) => {
    await withCounted(CHUNKS, async (file) => {
      const values = await file.dataset(name).readNumericAsync()
      expect(values.length).toBe(length)
      let wrong = 0
      for (let i = 0; i < length; i++) if (values[i] !== value(i)) wrong++
      expect(wrong).toBe(0)
    })
  })

  it('2-D datasets, selections and extensible array indexes', async () => {
    await withCounted(CHUNKS, async (file, log) => {
      expect(Array.from(await file.dataset('gzip_2d').readNumericAsync({ start: [11, 3] }))).toEqual([58, 59])
      expect(Array.from(await file.dataset('gzip_f8').readNumericAsync({ start: 10_498 }))).toEqual([2624.5, 2624.75])
      expect(log.reads).toBe(0)
    })
    await withCounted(LATEST, async (file) => {
      expect((await file.dataset('extensible_f8').readNumericAsync())[2_999]).toBe(2_999 * 0.75)
    })
  })
})

describe('damaged chunks on the parallel path', () => {
  it('a chunk that does not inflate is a CorruptFileError naming its address', async () => {
    const bytes = new Uint8Array(CHUNKS)
    // The 8th stored chunk of deep_f8, from the chunk index (layout/chunk-index.ts).
    const file = await openHdf5(bytes)
    const ref = Uint8Array.from(file.raw.module.create_object_reference(file.raw.fileId, '/deep_f8'))
    await file.close()
    const raw = openRawFile((offset, length) => bytes.subarray(offset, offset + length), 0, bytes.length)
    const plan = planChunks(raw, Number(new DataView(ref.buffer).getBigUint64(0, true)), [20_000])!
    expect(plan.chunks.length).toBe(1_250)
    const chunk = plan.chunks.find((c) => c.offsets[0] === 7 * 16)!
    const at = raw.base + chunk.address
    bytes.fill(0xff, at + 2, at + chunk.size)
    await withCounted(bytes, async (f) => {
      await expect(f.dataset('deep_f8').readNumericAsync()).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { dataset: '/deep_f8', address: at } })
    })
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isSpikesError } from '@spikes/core'
import { loadH5wasm, openHdf5 } from '../src/index.js'

// A small file written with h5wasm at test time: a contiguous uint8 dataset of 4099 elements (a length
// that appears nowhere else in the file, so the test can find and patch it) and a gzip-chunked float64 one.
const N = 4099
let dir: string
let good: Uint8Array

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spikes-hdf5-corrupt-'))
  const h5 = await loadH5wasm()
  const path = join(dir, 'good.h5')
  const f = new h5.File(path, 'w', { libver: ['earliest', 'v108'] }) // v1 object headers: no checksums, so patched headers reach our checks
  f.create_dataset({ name: 'bytes', data: Uint8Array.from({ length: N }, (_, i) => i % 251), dtype: '<B' })
  f.create_dataset({ name: 'chunked', data: Float64Array.from({ length: 3000 }, (_, i) => i), dtype: '<d', chunks: [500], compression: 'gzip' })
  f.close()
  good = new Uint8Array(readFileSync(path))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Opens bytes and reads everything; returns 'ok' or the error code. Any non-Spikes error fails the test. */
async function tryAll(bytes: Uint8Array): Promise<string> {
  try {
    const file = await openHdf5(bytes)
    try {
      for (const e of file.walk()) if (e.kind === 'dataset') file.dataset(e.path).readNumeric()
    } finally {
      await file.close()
    }
    return 'ok'
  } catch (error) {
    if (!isSpikesError(error)) throw error
    return (error as { code: string }).code
  }
}

describe('bad input', () => {
  it('reads the intact file', async () => {
    expect(await tryAll(good)).toBe('ok')
  })

  it('refuses a file that is not HDF5', async () => {
    await expect(openHdf5(new TextEncoder().encode('not an hdf5 file at all'))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', reason: 'no HDF5 signature' })
    await expect(openHdf5(new Uint8Array(0))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    const path = join(dir, 'text.h5')
    writeFileSync(path, 'hello')
    await expect(openHdf5(path)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    await expect(openHdf5(join(dir, 'absent.h5'))).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })

  it('gives a typed error for every truncation', async () => {
    const codes = new Set<string>()
    for (let n = 0; n < good.length; n += Math.max(1, Math.floor(good.length / 60))) codes.add(await tryAll(good.subarray(0, n)))
    expect([...codes].every((c) => c === 'SPIKES_CORRUPT_FILE')).toBe(true)
  })

  it('gives a typed error or data for corrupted bytes, never a crash', async () => {
    let x = 12345
    const outcomes = new Set<string>()
    for (let trial = 0; trial < 60; trial++) {
      const bytes = good.slice()
      for (let k = 0; k < 4; k++) {
        x = (x * 1103515245 + 12345) >>> 0
        bytes[x % bytes.length] ^= 1 + (x >>> 24) % 255
      }
      outcomes.add(await tryAll(bytes))
    }
    expect([...outcomes].every((c) => c === 'ok' || c.startsWith('SPIKES_'))).toBe(true)
  })

  /** Replaces every 8-byte little-endian occurrence of `from` by `to`; returns how many. */
  function patchU64(bytes: Uint8Array, from: number, to: number): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let patched = 0
    for (let i = 0; i + 8 <= bytes.length; i++) {
      if (view.getUint32(i, true) === from && view.getUint32(i + 4, true) === 0) {
        view.setUint32(i, to % 2 ** 32, true)
        view.setUint32(i + 4, Math.floor(to / 2 ** 32), true)
        patched++
      }
    }
    return patched
  }

  it('refuses a contiguous dataset whose header claims more than the file holds', async () => {
    const bytes = good.slice()
    expect(patchU64(bytes, N, 2 ** 40)).toBeGreaterThan(0)
    const file = await openHdf5(bytes)
    try {
      // HDF5 itself may refuse the header; otherwise the claim check does. Either way nothing is allocated.
      expect(() => file.dataset('bytes').readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE' }))
      expect([...file.dataset('chunked').readNumeric({ count: 3 })]).toEqual([0, 1, 2])
    } finally {
      await file.close()
    }
  })

  it('refuses a chunked dataset whose dataspace claims more than deflate could expand the file to', async () => {
    const bytes = good.slice()
    expect(patchU64(bytes, 3000, 2 ** 40)).toBeGreaterThan(0)
    const file = await openHdf5(bytes)
    try {
      const ds = file.dataset('chunked')
      expect(ds.shape).toEqual([2 ** 40])
      expect(() => ds.readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE', claimedBytes: 2 ** 43 }))
      expect(() => ds.readNumeric({ count: 10 })).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE' }))
    } finally {
      await file.close()
    }
  })
})

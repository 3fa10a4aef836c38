import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzlibSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { openHdf5 } from '../src/index.js'
import { checkChunk, fletcher32, planChunks } from '../src/layout/check-chunks.js'
import { openRawFile, type RawFile } from '../src/layout/raw-file.js'

const FIX = join(import.meta.dirname, 'fixtures')

function rawFile(bytes: Uint8Array): RawFile {
  return openRawFile((offset, length) => bytes.subarray(offset, offset + length), 0, bytes.length)
}

async function addressOf(path: string, dataset: string): Promise<number> {
  const file = await openHdf5(path)
  try {
    return Number(file.objectAddress(dataset))
  } finally {
    await file.close()
  }
}

const CASES: [string, number[], number[]][] = [
  // dataset, shape, chunk shape
  ['gz', [2000], [250]],
  ['gz_shuffle_fletcher', [2000], [250]],
  ['single', [2000], [2000]],
  ['grid', [40, 50], [16, 20]],
]

describe('chunk index walk (B-tree v1, single chunk, fixed array)', () => {
  for (const lib of ['earliest', 'latest']) {
    const path = join(FIX, `chunks_${lib}.h5`)
    const bytes = new Uint8Array(readFileSync(path))
    for (const [name, shape, chunks] of CASES) {
      it(`${lib}: ${name} lists every chunk, each inflating to the chunk's bytes`, async () => {
        const plan = planChunks(rawFile(bytes), await addressOf(path, `/${name}`), shape)
        expect(plan, name).toBeDefined()
        const grid = shape.map((n, d) => Math.ceil(n / chunks[d]))
        expect(plan!.chunks).toHaveLength(grid.reduce((a, b) => a * b, 1))
        const starts = plan!.chunks.map((c) => c.offsets.join(',')).sort()
        const expected: string[] = []
        if (shape.length === 1) for (let i = 0; i < grid[0]; i++) expected.push(String(i * chunks[0]))
        else for (let i = 0; i < grid[0]; i++) for (let j = 0; j < grid[1]; j++) expected.push(`${i * chunks[0]},${j * chunks[1]}`)
        expect(starts).toEqual(expected.sort())
        const fletcher = plan!.filters.some((f) => f.id === 3)
        expect(plan!.filters.map((f) => f.id)).toContain(1)
        for (const c of plan!.chunks) {
          const stored = bytes.subarray(c.address, c.address + c.size)
          const body = fletcher ? stored.subarray(0, stored.length - 4) : stored
          if (fletcher) expect(new DataView(stored.buffer, stored.byteOffset + stored.length - 4).getUint32(0, true)).toBe(fletcher32(body))
          expect(unzlibSync(body).length).toBe(chunks.reduce((a, b) => a * b, 8))
          // With no harmless bound every chunk is read, checksummed and inflated: all pass.
          checkChunk(rawFile(bytes), c, plan!.filters, chunks.reduce((a, b) => a * b, 8), { file: 'x', dataset: name }, 0)
        }
      })
    }
    it(`${lib}: an unfiltered chunked dataset has no pipeline to check`, async () => {
      expect(planChunks(rawFile(bytes), await addressOf(path, '/unfiltered'), [2000])).toBeUndefined()
    })
  }
})

describe('Fletcher32 and bounded inflation', () => {
  const path = join(FIX, 'chunks_earliest.h5')
  const bytes = new Uint8Array(readFileSync(path))

  it('a flipped byte in a checksummed chunk is an IntegrityError naming the chunk', async () => {
    const plan = planChunks(rawFile(bytes), await addressOf(path, '/gz_shuffle_fletcher'), [2000])!
    const chunk = plan.chunks.find((c) => c.offsets[0] === 500)!
    const damaged = bytes.slice()
    damaged[chunk.address + 10] ^= 0xff
    expect(() => checkChunk(rawFile(damaged), chunk, plan.filters, 2000, { file: 'f.h5', dataset: '/gz_shuffle_fletcher' }, 0)).toThrow(
      expect.objectContaining({ code: 'SPIKES_INTEGRITY', dataset: '/gz_shuffle_fletcher', chunk: [500] }),
    )
  })

  it('HDF5 reading the damaged chunk itself reports SPIKES_INTEGRITY too', async () => {
    const plan = planChunks(rawFile(bytes), await addressOf(path, '/gz_shuffle_fletcher'), [2000])!
    const damaged = bytes.slice()
    damaged[plan.chunks[0].address + 10] ^= 0xff
    const file = await openHdf5(damaged)
    try {
      expect(() => file.dataset('/gz_shuffle_fletcher').readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_INTEGRITY' }))
      expect(Array.from(file.dataset('/gz').readNumeric({ count: 3 }))).toEqual([0, 0.5, 1])
    } finally {
      await file.close()
    }
  })

  it('fletcher32 matches HDF5 on odd lengths too', () => {
    expect(fletcher32(Uint8Array.of())).toBe(0)
    expect(fletcher32(Uint8Array.of(1))).toBe(0x01000100)
    expect(fletcher32(Uint8Array.of(1, 2, 3))).toBe(((0x0102 + (0x0102 + 0x0300)) << 16 | (0x0102 + 0x0300)) >>> 0)
  })
})

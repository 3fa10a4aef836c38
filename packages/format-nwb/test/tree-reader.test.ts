import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { blobSource, bytesSource, container, loadSpikeData, SpikeData, type ByteSource } from '@spikes/core'
import { httpSource } from '@spikes/remote'
import { CORPUS_DIR, realdata, serveFolder, sharedAvailable } from '@spikes/testing'
import { exportNwb, registerNwb } from '../src/index.js'

// The tree reader (the default) and h5wasm (hdf5Reader: 'h5wasm') must give the same SpikeData for every NWB
// file: times bit for bit, offsets, neuron attributes, metadata apart from hdf5_reader, or the same error code.

const c = container.createChildContainer()
registerNwb(c)
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))

function nwbFiles(dir: string): string[] {
  if (!sharedAvailable(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...nwbFiles(path))
    else if (name.endsWith('.nwb')) out.push(path)
  }
  return out
}

type Outcome = { data: SpikeData } | { code: string }

async function load(input: string | ByteSource, hdf5Reader: string, options: Record<string, unknown> = {}): Promise<Outcome> {
  try {
    return { data: await loadSpikeData(input, { format: 'nwb', options: { ...options, hdf5Reader }, container: c }) }
  } catch (error) {
    return { code: String((error as { code?: unknown }).code) }
  }
}

function comparable(o: Outcome): unknown {
  if ('code' in o) return o
  const { hdf5_reader: _, provenance, ...metadata } = o.data.metadata as Record<string, unknown>
  const { options, ...where } = (provenance ?? {}) as Record<string, unknown>
  return { N: o.data.N, offsets: [...o.data.offsets], lengthMs: o.data.lengthMs, startTimeMs: o.data.startTimeMs, neuronAttributes: o.data.neuronAttributes, metadata, where, options: { ...(options as object), hdf5Reader: undefined } }
}

function reader(o: Outcome): unknown {
  return 'data' in o ? o.data.metadata.hdf5_reader : o.code
}

async function agree(input: () => Promise<string | ByteSource> | string | ByteSource, options: Record<string, unknown> = {}): Promise<Outcome> {
  const tree = await load(await input(), 'auto', options)
  const h5 = await load(await input(), 'h5wasm', options)
  expect(comparable(tree)).toEqual(comparable(h5))
  if ('data' in tree && 'data' in h5) {
    // Bit for bit: the same float64 patterns, not merely equal numbers.
    expect(new Uint8Array(tree.data.times.buffer, tree.data.times.byteOffset, tree.data.times.byteLength)).toEqual(new Uint8Array(h5.data.times.buffer, h5.data.times.byteOffset, h5.data.times.byteLength))
    expect(h5.data.metadata.hdf5_reader).toBe('h5wasm')
  }
  return tree
}

const CORPUS = nwbFiles(CORPUS_DIR)
const REAL = nwbFiles(realdata('nwb'))

/** Files that need h5wasm: MatNWB 2018's region-reference index and compound electrodes table. Every other file is read by the tree. */
const NEEDS_H5WASM = /matnwb-2018\//

describe.skipIf(!CORPUS.length && !REAL.length)('tree reader vs h5wasm on real and corpus files', () => {
  it.each([...CORPUS, ...REAL].map((f) => [f.replace(/.*\/(corpus|realdata)\//, '$1/'), f]))('%s', async (name, file) => {
    const outcome = await agree(() => file, { allowNoUnits: true })
    if ('data' in outcome) expect(reader(outcome), name).toBe(NEEDS_H5WASM.test(name) ? 'h5wasm' : 'tree')
  })
})

describe('tree reader fallback', () => {
  const fixture = (name: string) => join(FIXTURES, name)
  it('reads the plain fixture itself, with its values', async () => {
    const o = await agree(() => fixture('tree-plain.nwb'))
    expect(reader(o)).toBe('tree')
    const sd = (o as { data: SpikeData }).data
    expect([...sd.times]).toEqual([100, 200, 300, 400, 500, 600])
    expect(sd.spikeCounts()).toEqual([2, 1, 3])
    expect(sd.neuronAttributes?.map((a) => [a.unit_id, a.quality])).toEqual([[7, 0.5], [8, 0.75], [9, 1]])
  })

  it.each(['tree-fallback-big-endian.nwb', 'tree-fallback-fletcher32.nwb'])('%s falls back to h5wasm with the same result', async (name) => {
    const o = await agree(() => fixture(name))
    expect(reader(o)).toBe('h5wasm')
    expect((o as { data: SpikeData }).data.spikeCounts()).toEqual([2, 1, 3])
  })

  it("refuses with UnsupportedError when hdf5Reader is 'tree' and the tree cannot read the file", async () => {
    expect(await load(fixture('tree-fallback-fletcher32.nwb'), 'tree')).toEqual({ code: 'SPIKES_UNSUPPORTED' })
    expect(reader(await load(fixture('tree-plain.nwb'), 'tree'))).toBe('tree')
  })

  it('agrees on files written by exportNwb (in memory, 40 units)', async () => {
    const times = Float64Array.from({ length: 4000 }, (_, i) => (i % 100) * 13.25 + Math.floor(i / 100) * 0.5)
    const offsets = Float64Array.from({ length: 41 }, (_, i) => i * 100)
    const sd = new SpikeData({ times, offsets, lengthMs: 2000, neuronAttributes: Array.from({ length: 40 }, (_, i) => ({ unit_id: i, electrode: i % 8, location: [i, 2 * i, 0], quality: i % 3 ? 'good' : 'mua' })), metadata: { identifier: 'tree-test' } })
    for (const attributesJson of [true, false]) {
      const bytes = await exportNwb(sd, undefined, { attributesJson, gzip: 4, chunkSize: 256 })
      const o = await agree(() => bytesSource(bytes, 'export.nwb'))
      expect(reader(o)).toBe('tree')
      expect((o as { data: SpikeData }).data.spikeCounts()).toEqual(Array(40).fill(100))
    }
  })
})

describe('tree reader over a Blob', () => {
  it('reads a Blob (as a browser file input gives) with the tree, as h5wasm does', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'tree-plain.nwb')))
    const o = await agree(() => blobSource(new Blob([bytes]), 'plain.nwb'))
    expect(reader(o)).toBe('tree')
    expect([...(o as { data: SpikeData }).data.times]).toEqual([100, 200, 300, 400, 500, 600])
  })
})

describe('tree reader over HTTP Range requests', () => {
  it('reads a remote NWB file in few requests, several in flight', async () => {
    const times = Float64Array.from({ length: 200_000 }, (_, i) => i * 0.125)
    const offsets = Float64Array.from({ length: 101 }, (_, i) => i * 2000)
    const sd = new SpikeData({ times, offsets, lengthMs: 30_000, neuronAttributes: Array.from({ length: 100 }, (_, i) => ({ unit_id: i, electrode: i % 16 })) })
    const bytes = await exportNwb(sd, undefined, { attributesJson: false, gzip: 4, chunkSize: 8192 })
    const web = await serveFolder({ 'f.nwb': bytes }, 'none')
    try {
      let inFlight = 0
      let most = 0
      const counted = (): ByteSource => {
        const inner = httpSource(`${web.url}/f.nwb`)
        return {
          type: 'file',
          name: inner.name,
          url: inner.url,
          size: () => inner.size(),
          close: () => inner.close(),
          read: async (offset: number, length: number) => {
            most = Math.max(most, ++inFlight)
            try {
              return await inner.read(offset, length)
            } finally {
              inFlight--
            }
          },
        }
      }
      web.requests.length = 0
      const o = await load(counted(), 'auto')
      expect(reader(o)).toBe('tree')
      expect([...(o as { data: SpikeData }).data.times.subarray(0, 3)]).toEqual([0, 0.125, 0.25])
      const ranged = web.requests.filter((r) => r.range).length
      console.log(`remote tree load: ${ranged} Range requests, at most ${most} in flight`)
      // Metadata in a few rounds of 64 KiB blocks, then 25 chunks (which the HTTP source may coalesce): a bounded count.
      expect(ranged).toBeGreaterThanOrEqual(3)
      expect(ranged).toBeLessThanOrEqual(40)
      expect(most).toBeGreaterThanOrEqual(2)
      const h5 = await agree(() => counted())
      expect(reader(h5)).toBe('tree')
    } finally {
      await web.close()
    }
  })
})


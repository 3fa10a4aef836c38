import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder, type ByteSource, type DependencyContainer, type FolderSource } from '@spikes/core'
import { mdaFile } from '@spikes/testing'
import { registerMountainsort } from '../src/index.js'

// Sources with readInto (local files) are read twice: counted, then scattered into the output. Memory
// sources (no readInto) are read once into per-unit blocks. Both must give the same SpikeData.

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerMountainsort(c)
  return c
}

/** The folder, its files given a readInto that goes through read; `edit` may change the bytes of a later read. */
function withReadInto(inner: FolderSource, edit?: (call: number, offset: number, bytes: Uint8Array) => void): FolderSource & { calls: number } {
  const folder = {
    ...inner,
    calls: 0,
    list: inner.list.bind(inner),
    exists: inner.exists.bind(inner),
    close: inner.close.bind(inner),
    async open(name: string): Promise<ByteSource> {
      const source = await inner.open(name)
      return {
        ...source,
        type: 'file',
        name: source.name,
        size: () => source.size(),
        read: (o, n) => source.read(o, n),
        close: () => source.close(),
        async readInto(offset, target) {
          const bytes = await source.read(offset, target.length)
          target.set(bytes)
          edit?.(folder.calls, offset, target.subarray(0, bytes.length))
          folder.calls++
          return bytes.length
        },
      }
    },
  }
  return folder
}

/** `n` events over `units` labels (some sparse, above 2^20), 4 rows, deterministic; labels 3k+1 go backwards in time. */
function events(n: number, units: number): Float64Array {
  const values = new Float64Array(n * 4)
  let x = 12345
  for (let e = 0; e < n; e++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const u = (x >>> 0) % units
    const label = u % 5 === 4 ? (1 << 20) + u * 7 : u + 1
    values[4 * e] = u % 9 === 0 && e % 10 === 0 ? 63 : (u % 8) + 1
    values[4 * e + 1] = u % 3 === 0 ? n - e : e * 2
    values[4 * e + 2] = label
    values[4 * e + 3] = (x >>> 8) % 1000
  }
  return values
}

function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) return i
  return -1
}

const load = (input: FolderSource) => loadSpikeData(input, { container: makeContainer(), options: { fsHz: 30000 } })

describe('mountainsort two-pass read', () => {
  it('gives the same SpikeData as the one-pass read, over many chunks', async () => {
    const n = 400_000 // 12.8 MB of float64: two 8 MB chunks per pass
    const bytes = mdaFile('float64', [4, n], events(n, 37))
    const once = await load(memoryFolder({ 'firings.mda': bytes }, 'ms'))
    const twiceFolder = withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms'))
    const twice = await load(twiceFolder)
    expect(twiceFolder.calls).toBe(4)
    expect(twice.N).toBe(37)
    expect(twice.spikeCounts()).toEqual(once.spikeCounts())
    expect(twice.spikeCounts().reduce((a, b) => a + b, 0)).toBe(n)
    expect(twice.times.length).toBe(n)
    expect(firstDifference(twice.times, once.times)).toBe(-1) // not toEqual: a diff of 400,000 values takes minutes
    expect(twice.neuronAttributes).toEqual(once.neuronAttributes)
    expect(twice.warnings.map((w) => w.code)).toEqual(once.warnings.map((w) => w.code))
    expect(twice.warnings.map((w) => w.code)).toContain('SPIKES_WARN_MIXED_CHANNELS')
    expect(twice.neuronAttributes![0]).toMatchObject({ unit_id: 1, electrode: 1 })
    expect(twice.neuronAttributes!.at(-1)!.unit_id).toBe((1 << 20) + 34 * 7)
    // label 1 (u = 0) was written backwards in time; its train comes out sorted
    const first = twice.train(0)
    expect(first.length).toBeGreaterThan(1)
    for (let i = 1; i < first.length; i++) expect(first[i]).toBeGreaterThanOrEqual(first[i - 1])
  })

  it('reads every dtype and a file in order the same way', async () => {
    const ordered = [1, 10, 2, 3, 20, 2, 1, 30, 5, 3, 40, 2]
    for (const dtype of ['int32', 'uint16', 'float32'] as const) {
      const sd = await load(withReadInto(memoryFolder({ 'firings.mda': mdaFile(dtype, [3, 4], ordered) }, 'ms')))
      expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual([2, 5])
      expect(Array.from(sd.train(0), (t) => Math.round(t * 30))).toEqual([10, 20, 40])
      expect(Array.from(sd.train(1), (t) => Math.round(t * 30))).toEqual([30])
    }
  })

  it('reports a bad event with the same error as the one-pass read', async () => {
    const bytes = mdaFile('float64', [3, 3], [1, 10, 2, 1, 20, 2.5, 1, 30, 2])
    const expected = { code: 'SPIKES_INVALID_DATA', event: 1, label: 2.5 }
    await expect(load(memoryFolder({ 'firings.mda': bytes }, 'ms'))).rejects.toMatchObject(expected)
    await expect(load(withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms')))).rejects.toMatchObject(expected)
    await expect(load(withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms')))).rejects.toThrow(/event 1 has label 2\.5/)
  })

  it('refuses a file whose events change between the two passes', async () => {
    const bytes = mdaFile('float64', [3, 3], [1, 10, 2, 1, 20, 2, 1, 30, 4])
    // second pass: event 2's label 4 becomes 9, a label the first pass did not see
    const newLabel = withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms'), (call, _offset, data) => {
      if (call === 1) new DataView(data.buffer, data.byteOffset).setFloat64(8 * 8, 9, true)
    })
    await expect(load(newLabel)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', event: 2, file: 'firings.mda' })
    // second pass: event 2 moves to label 2, one more event than the first pass counted for it
    const moreEvents = withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms'), (call, _offset, data) => {
      if (call === 1) new DataView(data.buffer, data.byteOffset).setFloat64(8 * 8, 2, true)
    })
    await expect(load(moreEvents)).rejects.toThrow(/changed while it was being read \(event 2/)
  })

  it('checks the order of the times it wrote, not of the ones it counted', async () => {
    const bytes = mdaFile('float64', [3, 3], [1, 30, 2, 1, 60, 2, 1, 90, 2])
    // second pass: the same label, the times now backwards
    const reversed = withReadInto(memoryFolder({ 'firings.mda': bytes }, 'ms'), (call, _offset, data) => {
      if (call !== 1) return
      const view = new DataView(data.buffer, data.byteOffset)
      view.setFloat64(1 * 8, 90, true)
      view.setFloat64(7 * 8, 30, true)
    })
    const sd = await load(reversed)
    expect(Array.from(sd.train(0))).toEqual([1, 2, 3])
  })
})

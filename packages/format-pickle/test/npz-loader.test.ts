import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData, probeSource, type DependencyContainer } from '@spikes/core'
import '@spikes/core/node'
import { concatBytes, spacing } from '@spikes/core/loader-utils'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { pickleLoader, registerPickle, spikelabNpzLoader } from '../src/index.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url))
const noContext = { warn() {}, progress() {} }

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerPickle(c)
  return c
}
const load = (path: string, options = {}) => loadSpikeData(path, { container: makeContainer(), format: 'spikelab-npz', options })

describe('spikelab-npz loader', () => {
  it('reads a deflated npz with mixed unit fields (generate.py: sorted-compressed.npz)', async () => {
    const sd = await loadSpikeData(FIXTURES + 'sorted-compressed.npz', { container: makeContainer() })
    expect(sd.metadata.provenance).toMatchObject({ format: 'spikelab-npz' })
    expect(sd.N).toBe(3)
    // samples / fs * 1000, sorted; uint64 2^40 converted exactly as numpy astype(float)
    expect(sd.trains.map((t) => Array.from(t))).toEqual([[4, 8, 12], [], [(2 ** 40 / 25000) * 1000]])
    const last = (2 ** 40 / 25000) * 1000
    expect(sd.lengthMs).toBe(last + spacing(last))
    expect(sd.neuronAttributes).toEqual([
      // int(np.int64(4)), [float(np.float32(1.5)), float(2)], int(np.int64(7)), str('positive'), str(12)
      { unit_id: 4, location: [1.5, 2], electrode: 7, peak_sign: 'positive', max_channel_id: '12' },
      { unit_id: 9 },
      // int('11'); np.asarray([1.0, 2.0]) kept as a list here
      { unit_id: 11, template: [1, 2] },
    ])
    expect(Object.keys(sd.neuronAttributes![0])).toEqual(['unit_id', 'location', 'electrode', 'peak_sign', 'max_channel_id'])
    expect(sd.metadata).toMatchObject({ source_format: 'SpikeLab_npz', fs_Hz: 25000, channel_locations: [new Float64Array([0, 1])] })
    expect(sd.metadata.source_file).toBe(FIXTURES + 'sorted-compressed.npz')
  })

  it("SpikeLab's own empty export (units = np.array([]), float64) loads as N = 0, as SpikeLab does", async () => {
    const sd = await load(FIXTURES + 'sorted-empty-float.npz')
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
    expect(sd.neuronAttributes).toEqual([])
    expect(sd.metadata).toMatchObject({ fs_Hz: 30000, source_format: 'SpikeLab_npz' })
  })
  it('an npz with no units gives an empty SpikeData of length 0', async () => {
    const sd = await load(FIXTURES + 'sorted-empty.npz')
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
  })

  it('per-spike amplitudes follow their spikes when a spike_train is stored out of time order (generate.py: sorted-unsorted-amplitudes.npz)', async () => {
    const sd = await load(FIXTURES + 'sorted-unsorted-amplitudes.npz')
    // numpy: o = np.argsort(spike_train, kind='stable'); amplitudes[o]: ties (the two 100s) keep their order
    expect(sd.trains.map((t) => Array.from(t))).toEqual([[100, 100, 200, 300], [40, 50]])
    expect(Array.from(sd.neuronAttributes![0].amplitudes as ArrayLike<number>)).toEqual([10, 11, 20, 30])
    // std_norms is one value per channel, not per spike: left as stored, as is an amplitudes array whose length is not the spike count
    expect(Array.from(sd.neuronAttributes![0].std_norms as ArrayLike<number>)).toEqual([7, 8, 9, 6])
    expect(Array.from(sd.neuronAttributes![1].amplitudes as ArrayLike<number>)).toEqual([5, 4, 3])
  })

  it('lengthMs overrides the inferred length', async () => {
    const sd = await load(FIXTURES + 'sorted-compressed.npz', { lengthMs: 1e11 })
    expect(sd.lengthMs).toBe(1e11)
  })

  it.each([
    ['sorted-units-not-object.npz', { key: 'units' }],
    ['sorted-fs-not-scalar.npz', { key: 'fs' }],
    ['sorted-unit-not-dict.npz', { unit: 0, found: 'list' }],
    ['sorted-no-spike-train.npz', { unit: 0, missing: 'spike_train' }],
  ])('%s is SPIKES_INVALID_DATA', async (name, fields) => {
    await expect(load(FIXTURES + name)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', ...fields })
  })

  it('missing units / fs are SPIKES_MISSING_ENTRY listing the keys that exist', async () => {
    await expect(load(CORPUS + 'npz_missing_units_error/sorted.npz')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'units', nearby: ['fs'] })
    await expect(load(CORPUS + 'npz_missing_fs_error/sorted.npz')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'fs', nearby: ['units'] })
  })

  it('float(None) for a location is SPIKES_INVALID_DATA naming the unit and key', async () => {
    await expect(load(CORPUS + 'npz_none_location_error/sorted.npz')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', unit: 0, key: 'x_max' })
  })

  it("accepts SpikeLab's snake_case names", () => {
    expect(spikelabNpzLoader.parseOptions({ length_ms: 5, max_bytes: 100 })).toEqual({ lengthMs: 5, maxBytes: 100 })
  })

  it.each([
    [{ lengthMs: -1 }, 'lengthMs'],
    [{ lengthMs: 'long' }, 'lengthMs'],
    [{ maxBytes: 1.5 }, 'maxBytes'],
    [{ length_ms: -5 }, 'length_ms'],
  ])('validates %j before any I/O', async (options, argument) => {
    let reads = 0
    const inner = bytesSource(readFileSync(FIXTURES + 'sorted-compressed.npz'), 's.npz')
    const source = { ...inner, size: async () => (reads++, inner.size()), read: async (o: number, l: number) => (reads++, inner.read(o, l)) }
    await expect(spikelabNpzLoader.load(source, options as never, noContext)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(reads).toBe(0)
  })
})

describe('spikelab-npz detection', () => {
  const claim = async (bytes: Uint8Array, name: string) => {
    const probe = await probeSource(bytesSource(bytes, name))
    return { npz: (await spikelabNpzLoader.detect(probe)).confidence, pickle: (await pickleLoader.detect(probe)).confidence }
  }

  it('claims zips with units.npy and fs.npy', async () => {
    for (const c of ['npz_full_units', 'npz_minimal_units', 'npz_length_ms_arg']) {
      expect(await claim(readFileSync(`${CORPUS}${c}/sorted.npz`), 'x.bin')).toEqual({ npz: 95, pickle: 0 })
    }
    expect((await claim(readFileSync(FIXTURES + 'sorted-compressed.npz'), 'x.bin')).npz).toBe(95)
    expect((await claim(readFileSync(`${CORPUS}npz_missing_fs_error/sorted.npz`), 'sorted.npz')).npz).toBe(40)
  })

  it('finds fs.npy in the central directory when units.npy fills the head', async () => {
    // A stored zip whose first member is larger than the 64 KiB probe head.
    const big = storedZip([
      ['units.npy', new Uint8Array(100_000)],
      ['fs.npy', new Uint8Array(10)],
    ])
    expect((await claim(big, 'big.npz')).npz).toBe(95)
  })
})

describe('real npz files that are not SpikeLab sorted npz (pynapple, ../shared/realdata/pickles_npz)', () => {
  const dir = realdata('pickles_npz', 'pynapple-npz')
  if (!sharedAvailable(dir)) {
    if (IN_CI) it('realdata is present', () => expect(sharedAvailable(dir), `${dir} is missing`).toBe(true))
    else it.skip('realdata not found', () => {})
    return
  }
  // Member names as listed by `zipfile.ZipFile(f).namelist()` (PROVENANCE.md: keys t, d, start, end, columns, type).
  const MEMBERS: Record<string, string[]> = {
    'ts.npz': ['t', 'start', 'end', 'type'],
    'tsd.npz': ['t', 'd', 'start', 'end', 'type'],
    'tsdframe.npz': ['t', 'd', 'start', 'end', 'columns', 'type'],
  }
  for (const [name, members] of Object.entries(MEMBERS)) {
    it(`${name}: not claimed; forced, a missing 'units' entry listing its ${members.length} members`, async () => {
      const bytes = readFileSync(`${dir}/${name}`)
      const probe = await probeSource(bytesSource(bytes, name))
      expect((await spikelabNpzLoader.detect(probe)).confidence).toBe(0)
      expect((await pickleLoader.detect(probe)).confidence).toBe(0)
      await expect(load(`${dir}/${name}`)).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'units', nearby: members })
    })
  }
})

/** A zip of stored members (no compression), enough for detection tests. */
function storedZip(members: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const [name, data] of members) {
    const n = new TextEncoder().encode(name)
    const local = new Uint8Array(30 + n.length)
    const dv = new DataView(local.buffer)
    dv.setUint32(0, 0x04034b50, true)
    dv.setUint16(4, 20, true)
    dv.setUint32(18, data.length, true)
    dv.setUint32(22, data.length, true)
    dv.setUint16(26, n.length, true)
    local.set(n, 30)
    const cd = new Uint8Array(46 + n.length)
    const cv = new DataView(cd.buffer)
    cv.setUint32(0, 0x02014b50, true)
    cv.setUint32(20, data.length, true)
    cv.setUint32(24, data.length, true)
    cv.setUint16(28, n.length, true)
    cv.setUint32(42, offset, true)
    cd.set(n, 46)
    parts.push(local, data)
    central.push(cd)
    offset += local.length + data.length
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0)
  const eocd = new Uint8Array(22)
  const ev = new DataView(eocd.buffer)
  ev.setUint32(0, 0x06054b50, true)
  ev.setUint16(8, members.length, true)
  ev.setUint16(10, members.length, true)
  ev.setUint32(12, cdSize, true)
  ev.setUint32(16, offset, true)
  return concatBytes([...parts, ...central, eocd])
}

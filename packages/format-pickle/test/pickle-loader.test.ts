import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, LoaderRegistry, loadSpikeData, probeSource, type ByteSource, type DependencyContainer } from '@spikes/core'
import '@spikes/core/node'
import { pickleLoader, readSpikeLabPickle, registerPickle, spikeDataFromPickleBytes, spikelabNpzLoader } from '../src/index.js'
import { PickleWriter, writeFloat64Array } from '@spikes/testing'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url))
const fixture = (name: string) => readFileSync(FIXTURES + name)
const noContext = { warn() {}, progress() {} }

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerPickle(c)
  return c
}

/** Python's view of spikedata-p*.pkl (fixtures/spikedata.json, written by generate.py). */
const EXPECTED = JSON.parse(readFileSync(FIXTURES + 'spikedata.json', 'utf8')).state

describe('pickle loader: SpikeData pickled by Python at every protocol', () => {
  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}`, async () => {
      const sd = await loadSpikeData(FIXTURES + `spikedata-p${p}.pkl`, { container: makeContainer() })
      expect(sd.N).toBe(4)
      expect(sd.lengthMs).toBe(10)
      expect(sd.startTimeMs).toBe(-1)
      // sorted by the constructor; big-endian and int64 trains converted
      expect(sd.trains.map((t) => Array.from(t))).toEqual([[1.5, 3.25, 5], [], [7.5], [2, 4]])
      expect(sd.metadata).toMatchObject({ fs_Hz: 20000, name: 'example', count: 4, events: new Float64Array([1, 2]), nested: { k: [1, 2] } })
      expect(sd.metadata.provenance).toMatchObject({ format: 'pickle', package: '@spikes/format-pickle' })
      expect(sd.neuronAttributes).toEqual([0, 1, 2, 3].map((i) => ({ unit_id: i, electrode: 10 + i, location: new Float64Array([i, 2 * i]) })))
      // raw_data was Fortran-ordered in Python: C order here
      expect(sd.rawData?.shape).toEqual([3, 8])
      expect(Array.from(sd.rawData!.data)).toEqual(EXPECTED.raw_data.$ndarray.data)
      expect(Array.from(sd.rawTimeMs!)).toEqual(EXPECTED.raw_time.$ndarray.data)
      expect(sd.warnings).toEqual([])
    })
  }

  it('pads with empty units up to N', () => {
    const sd = spikeDataFromPickleBytes(fixture('spikedata-padded.pkl'))
    expect(sd.N).toBe(3)
    expect(sd.spikeCounts()).toEqual([1, 0, 0])
    expect(sd.lengthMs).toBe(2)
    expect(sd.rawData).toBeNull()
  })

  it('validates: a spike outside the stored window is SPIKES_INVALID_DATA', () => {
    expect(() => spikeDataFromPickleBytes(fixture('spikedata-outside-window.pkl'))).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
  })

  it('reads a subclass only when it is named (it is not on the allowlist otherwise)', () => {
    const bytes = fixture('spikedata-subclass.pkl')
    expect(() => spikeDataFromPickleBytes(bytes)).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE', global: 'mylab.analysis.MySpikeData' }))
    const sd = spikeDataFromPickleBytes(bytes, { spikeDataClasses: ['mylab.analysis.MySpikeData'] })
    expect(sd.N).toBe(4)
    expect(Array.from(sd.train(0))).toEqual([1.5, 3.25, 5])
  })

  // An older SpikeLab wrote 'spikedata.spikedata.SpikeData' (braingeneers: '...analysis.SpikeData'): the refusal must say how to read it.
  it('names the spikeDataClasses option when a refused class looks like a SpikeData, and only then', () => {
    const err = (() => {
      try {
        spikeDataFromPickleBytes(fixture('spikedata-subclass.pkl'), { file: 'sub.pkl' })
      } catch (e) {
        return e as Error & { hints: unknown }
      }
    })()
    expect(err).toMatchObject({ code: 'SPIKES_UNSAFE_PICKLE', name: 'UnsafePickleError', global: 'mylab.analysis.MySpikeData' })
    expect(err!.hints).toEqual([
      { kind: 'option', option: 'spikeDataClasses', example: ['mylab.analysis.MySpikeData'], why: 'if it is a SpikeData (an older SpikeLab, or a subclass): its state is then read as data, still without executing anything' },
    ])
    expect(err!.message).toContain("Pass { options: { spikeDataClasses: ['mylab.analysis.MySpikeData'] } }")
    const w = new PickleWriter().proto(2).global('os', 'system').stop()
    expect(() => spikeDataFromPickleBytes(w.toBytes())).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE', hints: [] }))
  })

  it('loads a subclass through the loader option', async () => {
    const sd = await pickleLoader.load(bytesSource(fixture('spikedata-subclass.pkl'), 'sub.pkl'), { spikeDataClasses: ['mylab.analysis.MySpikeData'] }, noContext)
    expect(sd.N).toBe(4)
  })
})

describe('the other SpikeLab types (load_from_pickle)', () => {
  it.each(['RateData', 'PairwiseCompMatrix', 'PairwiseCompMatrixStack', 'RateSliceStack', 'SpikeSliceStack'])('%s is recognised and reported by name', (type) => {
    const bytes = fixture(`other-${type}.pkl`)
    const result = readSpikeLabPickle(bytes)
    expect(result.type).toBe(type)
    expect(result.className).toMatch(new RegExp(`^spikelab\\.spikedata\\.\\w+\\.${type}$`))
    expect(() => spikeDataFromPickleBytes(bytes, { file: 'x.pkl' })).toThrow(expect.objectContaining({ code: 'SPIKES_UNSUPPORTED', found: type, className: result.className }))
  })

  it('keeps the records as data (a SpikeSliceStack holds SpikeData records)', () => {
    const result = readSpikeLabPickle(fixture('other-SpikeSliceStack.pkl'))
    const stack = result.record.get('spike_stack') as unknown[]
    expect(stack).toHaveLength(1)
    expect((stack[0] as { className: string }).className).toBe('SpikeData')
  })

  it('a SpikeData is converted by readSpikeLabPickle too', () => {
    const result = readSpikeLabPickle(fixture('spikedata-p4.pkl'))
    expect(result.type).toBe('SpikeData')
    if (result.type === 'SpikeData') expect(result.spikeData.N).toBe(4)
  })

  it('anything else is SPIKES_INVALID_DATA naming what was found', () => {
    const dict = readFileSync(CORPUS + 'pkl_not_spikedata_error/sd.pkl')
    expect(() => spikeDataFromPickleBytes(dict)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', found: 'dict' }))
    expect(() => readSpikeLabPickle(dict)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', found: 'dict' }))
    const array = writeFloat64Array(new PickleWriter().proto(4), [1, 2]).stop().toBytes()
    expect(() => spikeDataFromPickleBytes(array)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', found: 'ndarray' }))
  })
})

describe('malformed SpikeData records give typed errors', () => {
  /** A protocol-4 SpikeData record whose __dict__ is written by `fill` (MARK ... SETITEMS). */
  const record = (fill: (w: PickleWriter) => void) => {
    const w = new PickleWriter().proto(4).stackGlobal('spikelab.spikedata.spikedata', 'SpikeData').raw(0x29, 0x81).raw(0x7d).mark()
    fill(w)
    return w.raw(0x75).build().stop().toBytes()
  }
  const trains = (w: PickleWriter) => {
    w.str('train').raw(0x5d).mark()
    writeFloat64Array(w, [1, 2])
    w.raw(0x65)
  }

  it.each([
    ['no train', (w: PickleWriter) => w.str('N').int(1)],
    ['train is a dict', (w: PickleWriter) => w.str('train').raw(0x7d)],
    ['a train of strings', (w: PickleWriter) => w.str('train').raw(0x5d).raw(0x5d).str('x').raw(0x61).raw(0x61)],
    ['N smaller than the trains', (w: PickleWriter) => (trains(w), w.str('N').int(0))],
    ['N absurdly large', (w: PickleWriter) => (trains(w), w.str('N').int(2 ** 31 - 1))],
    ['negative length', (w: PickleWriter) => (trains(w), w.str('length').float(-1))],
    ['NaN length', (w: PickleWriter) => (trains(w), w.str('length').float(NaN))],
    ['start_time a string', (w: PickleWriter) => (trains(w), w.str('start_time').str('0'))],
    ['metadata a list', (w: PickleWriter) => (trains(w), w.str('metadata').raw(0x5d))],
    ['neuron_attributes of ints', (w: PickleWriter) => (trains(w), w.str('neuron_attributes').raw(0x5d).int(1).raw(0x61))],
    ['neuron_attributes of the wrong length', (w: PickleWriter) => (trains(w), w.str('neuron_attributes').raw(0x5d))],
    ['raw_data without raw_time', (w: PickleWriter) => (trains(w), w.str('raw_data'), writeFloat64Array(w, [1, 2, 3]))],
    ['a NaN spike', (w: PickleWriter) => (w.str('train').raw(0x5d).mark(), writeFloat64Array(w, [NaN]), w.raw(0x65))],
  ])('%s', (_, fill) => {
    expect(() => spikeDataFromPickleBytes(record(fill))).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
  })

  it('a record with plain Python lists as trains loads', () => {
    const bytes = record((w) => w.str('train').raw(0x5d).raw(0x5d).mark().float(3).float(1).raw(0x65).raw(0x61).str('length').float(4))
    const sd = spikeDataFromPickleBytes(bytes)
    expect(Array.from(sd.train(0))).toEqual([1, 3])
    expect(sd.startTimeMs).toBe(0)
  })

  it('refuses a small pickle whose trains share one array many times (memory bound)', () => {
    const w = new PickleWriter().proto(4).stackGlobal('spikelab.spikedata.spikedata', 'SpikeData').raw(0x29, 0x81).raw(0x7d).mark().str('train').raw(0x5d).mark()
    writeFloat64Array(w, new Float64Array(1000).fill(1)).memoize() // the only MEMOIZE: memo 0
    for (let i = 0; i < 5000; i++) w.raw(0x68, 0) // BINGET 0: the same array again
    const all = w.raw(0x65, 0x75).build().stop().toBytes()
    expect(() => spikeDataFromPickleBytes(all)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', limit: 1 << 20 }))
  })
})

describe('detection', () => {
  const claim = async (bytes: Uint8Array, name: string) => {
    const probe = await probeSource(bytesSource(bytes, name))
    return { pickle: (await pickleLoader.detect(probe)).confidence, npz: (await spikelabNpzLoader.detect(probe)).confidence }
  }

  it('claims SpikeLab pickles of every protocol by content', async () => {
    for (let p = 0; p <= 5; p++) {
      const c = await claim(fixture(`spikedata-p${p}.pkl`), 'anything.bin')
      expect(c.pickle).toBeGreaterThanOrEqual(90)
      expect(c.npz).toBe(0)
    }
    expect((await claim(fixture('other-RateData.pkl'), 'r.bin')).pickle).toBe(85)
  })

  it('is weak for other pickles and for the extension alone', async () => {
    const dict = readFileSync(CORPUS + 'pkl_not_spikedata_error/sd.pkl')
    expect((await claim(dict, 'sd.pkl')).pickle).toBe(30)
    expect((await claim(dict, 'sd.bin')).pickle).toBe(10)
    expect((await claim(new TextEncoder().encode('hello'), 'notes.pkl')).pickle).toBe(10)
    expect((await claim(new TextEncoder().encode('hello'), 'notes.txt')).pickle).toBe(0)
  })

  it('auto-detection picks the pickle loader', async () => {
    const c = makeContainer()
    expect(c.resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['pickle', 'spikelab-npz'])
    const sd = await loadSpikeData(CORPUS + 'pkl_basic_protocol4/sd.pkl', { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'pickle' })
    expect((sd.metadata.provenance as { reason: string }).reason).toContain('SpikeData')
  })
})

describe('options and sources', () => {
  function countingSource(bytes: Uint8Array): ByteSource & { reads: number } {
    const inner = bytesSource(bytes, 'sd.pkl')
    return {
      ...inner,
      reads: 0,
      async size() {
        this.reads++
        return inner.size()
      },
      async read(offset: number, length: number) {
        this.reads++
        return inner.read(offset, length)
      },
    }
  }

  it.each([
    [{ allowRemote: 'yes' }, 'allowRemote'],
    [{ maxBytes: 0 }, 'maxBytes'],
    [{ spikeDataClasses: ['not a class'] }, 'spikeDataClasses'],
    [{ endpointUrl: 'ftp://x' }, 'endpointUrl'],
    [{ awsAccessKeyId: 'AKID' }, 'awsSecretAccessKey'],
    [{ regionName: 3 }, 'regionName'],
    [{ allow_remote: 'yes' }, 'allow_remote'],
  ])('validates %j before any I/O', async (options, argument) => {
    const source = countingSource(fixture('spikedata-p4.pkl'))
    await expect(pickleLoader.load(source, options as never, noContext)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(source.reads).toBe(0)
  })

  it("accepts SpikeLab's snake_case names", () => {
    expect(pickleLoader.parseOptions({ allow_remote: true, max_bytes: 10, region_name: 'eu-west-1' })).toMatchObject({ allowRemote: true, maxBytes: 10, regionName: 'eu-west-1' })
  })

  it('refuses a file larger than maxBytes before reading it', async () => {
    const source = countingSource(fixture('spikedata-p4.pkl'))
    await expect(pickleLoader.load(source, { maxBytes: 100 }, noContext)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'maxBytes' })
    expect(source.reads).toBe(1)
  })

  it('refuses an s3:// source without allowRemote, before any request', async () => {
    const remote = { type: 'remote' as const, name: 's3://bucket/sd.pkl', url: 's3://bucket/sd.pkl', scheme: 's3' }
    await expect(pickleLoader.load(remote, {}, { ...noContext, fetch: () => Promise.reject(new Error('no request expected')) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'allowRemote' })
  })

  it('honours an aborted signal', async () => {
    await expect(loadSpikeData(FIXTURES + 'spikedata-p4.pkl', { container: makeContainer(), signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('records the package version in provenance', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    for (const loader of [pickleLoader, spikelabNpzLoader]) {
      expect(loader.version).toBe(pkg.version)
      expect(loader.packageName).toBe(pkg.name)
    }
  })
})

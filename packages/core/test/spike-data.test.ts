import { describe, expect, it } from 'vitest'
import { SpikeData } from '../src/index.js'
import { spacing, vouchSortedTrains } from '../src/loader-utils.js'

const trains = (sd: SpikeData) => sd.trains.map((t) => Array.from(t))

describe('SpikeData construction invariants', () => {
  it('trains a loader vouched for are checked at their ends only, once', () => {
    const times = Float64Array.from([1, 2, 5, 3, 4])
    vouchSortedTrains(times)
    const sd = new SpikeData({ times, offsets: [0, 3, 5], lengthMs: 10 })
    expect(trains(sd)).toEqual([[1, 2, 5], [3, 4]])
    // The claim is used up: a second SpikeData on the same (now unsorted) array sorts it again.
    times.set([9, 8], 3)
    expect(trains(new SpikeData({ times, offsets: [0, 3, 5], lengthMs: 10 }))).toEqual([[1, 2, 5], [8, 9]])
  })

  it('a vouched train with a non-finite end gets the full check and its error', () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const times = Float64Array.from([1, 2, bad])
      vouchSortedTrains(times)
      let error: unknown
      try {
        new SpikeData({ times, offsets: [0, 3], lengthMs: 10 })
      } catch (e) {
        error = e
      }
      expect(error).toMatchObject({ code: 'SPIKES_INVALID_DATA', details: { unit: 0, position: 2, value: String(bad) } })
    }
  })

  it('stores trains flat with zero-copy views', () => {
    const sd = SpikeData.fromTrains([[1, 2], [], [3]], { lengthMs: 10 })
    expect(sd.N).toBe(3)
    expect(Array.from(sd.offsets)).toEqual([0, 2, 2, 3])
    expect(sd.train(0).buffer).toBe(sd.times.buffer)
    expect(trains(sd)).toEqual([[1, 2], [], [3]])
    expect(sd.spikeCounts()).toEqual([2, 0, 1])
    expect(sd.totalSpikes).toBe(3)
  })

  it('sorts each unsorted train', () => {
    expect(trains(SpikeData.fromTrains([[5, 1, 3], [2, 1]]))).toEqual([[1, 3, 5], [1, 2]])
  })

  it.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('rejects %s spike times with the unit named', (bad, text) => {
    expect(() => SpikeData.fromTrains([[1], [2, bad]])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', unit: 1, value: text }))
  })

  it('defaults the length to the last spike minus the start', () => {
    expect(SpikeData.fromTrains([[1, 7], [4]]).lengthMs).toBe(7)
    expect(SpikeData.fromTrains([[12, 17]], { startTimeMs: 10 }).lengthMs).toBe(7)
    expect(SpikeData.fromTrains([[], []]).lengthMs).toBe(0)
  })

  it.each([[-1], [NaN], [Infinity]])('rejects lengthMs %s', (lengthMs) => {
    expect(() => SpikeData.fromTrains([[1]], { lengthMs })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'lengthMs' }))
  })

  it('rejects spikes outside [start, start + length]', () => {
    expect(() => SpikeData.fromTrains([[5, 11]], { lengthMs: 10 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', unit: 0, time: 11, endTimeMs: 10 }))
    expect(() => SpikeData.fromTrains([[], [4]], { startTimeMs: 5, lengthMs: 10 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', unit: 1, time: 4, startTimeMs: 5 }))
    expect(trains(SpikeData.fromTrains([[0, 10]], { lengthMs: 10 }))).toEqual([[0, 10]])
    expect(trains(SpikeData.fromTrains([[-200, 300]], { startTimeMs: -200, lengthMs: 500 }))).toEqual([[-200, 300]])
  })

  it('names the unit by its unit_id as well when the attributes give one (a cluster id is what the user knows)', () => {
    const attributes = [{ unit_id: 17 }, { unit_id: 'c42' }]
    expect(() => SpikeData.fromTrains([[1], [12]], { lengthMs: 10, neuronAttributes: attributes })).toThrow(/^Unit 1 \(unit_id c42\): spike time 12 ms exceeds/)
    expect(() => SpikeData.fromTrains([[1], [12]], { lengthMs: 10 })).toThrow(/^Unit 1: spike time 12 ms exceeds/)
  })

  it('pads N with empty units and refuses an N smaller than the trains', () => {
    const sd = SpikeData.fromTrains([[1]], { N: 3 })
    expect(sd.N).toBe(3)
    expect(trains(sd)).toEqual([[1], [], []])
    expect(() => SpikeData.fromTrains([[1], [2]], { N: 1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'N' }))
    expect(() => SpikeData.fromTrains([[1]], { N: 1.5 })).toThrow(expect.objectContaining({ argument: 'N' }))
  })

  it('requires raw data and raw time both or neither, with matching lengths', () => {
    const rawData = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }
    expect(() => SpikeData.fromTrains([[1]], { rawData })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'rawTimeMs' }))
    expect(() => SpikeData.fromTrains([[1]], { rawTimeMs: [0, 1, 2] })).toThrow(expect.objectContaining({ argument: 'rawData' }))
    expect(() => SpikeData.fromTrains([[1]], { rawData, rawTimeMs: [0, 1] })).toThrow(expect.objectContaining({ argument: 'rawTimeMs' }))
    expect(() => SpikeData.fromTrains([[1]], { rawData: { data: new Float32Array(5), shape: [2, 3] }, rawTimeMs: [0, 1, 2] })).toThrow(expect.objectContaining({ argument: 'rawData' }))
    const sd = SpikeData.fromTrains([[1]], { rawData, rawTimeMs: [0, 0.5, 1] })
    expect(Array.from(sd.rawTimeMs!)).toEqual([0, 0.5, 1])
    expect(sd.rawData!.data).toBe(rawData.data)
  })

  it('turns a scalar raw time into sample times (a rate in kHz, as SpikeLab)', () => {
    const sd = SpikeData.fromTrains([[1]], { rawData: { data: new Int16Array(4), shape: [1, 4] }, rawTimeMs: 20 })
    expect(Array.from(sd.rawTimeMs!)).toEqual([0, 1 / 20, 2 / 20, 3 / 20])
    expect(() => SpikeData.fromTrains([[1]], { rawData: { data: new Int16Array(4), shape: [1, 4] }, rawTimeMs: 0 })).toThrow(expect.objectContaining({ argument: 'rawTimeMs' }))
  })

  it('checks neuronAttributes has one entry per unit and copies records', () => {
    expect(() => SpikeData.fromTrains([[1], [2]], { neuronAttributes: [{}] })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'neuronAttributes' }))
    const attrs = [{ unit_id: 7 }]
    const sd = SpikeData.fromTrains([[1]], { neuronAttributes: attrs, metadata: { a: 1 } })
    attrs[0].unit_id = 8
    expect(sd.neuronAttributes).toEqual([{ unit_id: 7 }])
    expect(sd.metadata).toEqual({ a: 1 })
  })

  it('validates the raw constructor arguments', () => {
    expect(() => new SpikeData({ times: [1] as unknown as Float64Array, offsets: [0, 1] })).toThrow(expect.objectContaining({ argument: 'times' }))
    expect(() => new SpikeData({ times: new Float64Array([1]), offsets: [0, 2] })).toThrow(expect.objectContaining({ argument: 'offsets' }))
    expect(() => new SpikeData({ times: new Float64Array([1, 2]), offsets: [0, 2, 1, 2] })).toThrow(expect.objectContaining({ argument: 'offsets' }))
    expect(() => new SpikeData(null as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
  })
})

describe('constructors', () => {
  it('fromIdcesTimes groups by unit in one pass, keeping order', () => {
    const sd = SpikeData.fromIdcesTimes([2, 0, 2, 1, 0], [1, 2, 3, 4, 5])
    expect(sd.N).toBe(3)
    expect(trains(sd)).toEqual([[2, 5], [4], [1, 3]])
    expect(sd.lengthMs).toBe(5)
  })

  it('fromIdcesTimes: N pads, empty input gives N = 0 and length 0, bad indices are refused', () => {
    expect(SpikeData.fromIdcesTimes([0], [1], { N: 4 }).N).toBe(4)
    const empty = SpikeData.fromIdcesTimes([], [])
    expect([empty.N, empty.lengthMs]).toEqual([0, 0])
    expect(() => SpikeData.fromIdcesTimes([-1], [1])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', position: 0 }))
    expect(() => SpikeData.fromIdcesTimes([0.5], [1])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
    expect(() => SpikeData.fromIdcesTimes([0, 1], [1])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'times' }))
    expect(() => SpikeData.fromIdcesTimes([3], [1], { N: 2 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', index: 3 }))
  })

  it('fromEvents takes (unit, time) pairs', () => {
    expect(trains(SpikeData.fromEvents([[1, 5], [0, 2], [1, 3]]))).toEqual([[2], [3, 5]])
  })

  it('fromRaster spreads n spikes evenly inside a bin exactly as SpikeLab', () => {
    const sd = SpikeData.fromRaster([[0, 3, 0], [1, 0, 2.7]], 10)
    const step3 = 10 / 4
    expect(trains(sd)).toEqual([
      [10 + step3, 10 + 2 * step3, 10 + 3 * step3],
      [5, 20 + 10 / 3, 20 + 2 * (10 / 3)],
    ])
    expect(sd.lengthMs).toBe(30)
  })

  it('fromRaster offsets by startTimeMs and honours an explicit length', () => {
    const sd = SpikeData.fromRaster({ counts: new Uint32Array([1, 1]), units: 1, bins: 2 }, 4, { startTimeMs: -4, lengthMs: 8 })
    expect(trains(sd)).toEqual([[-4 + 2, -4 + 4 + 2]])
    expect(sd.startTimeMs).toBe(-4)
  })

  it('fromRaster rejects negative counts and bad bins', () => {
    expect(() => SpikeData.fromRaster([[1, -1]], 1)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', unit: 0, bin: 1 }))
    expect(() => SpikeData.fromRaster([[Infinity, 1]], 1)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', unit: 0, bin: 0, value: 'Infinity' }))
    expect(() => SpikeData.fromRaster([[1, NaN]], 1)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', bin: 1 }))
    expect(() => SpikeData.fromRaster([[1]], 0)).toThrow(expect.objectContaining({ argument: 'binMs' }))
    expect(() => SpikeData.fromRaster([[1, 2], [1]], 1)).toThrow(expect.objectContaining({ argument: 'raster' }))
  })
})

describe('views and derived values', () => {
  const sd = SpikeData.fromTrains([[1, 5, 9], [5], [0, 20]], { lengthMs: 20, neuronAttributes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], metadata: { m: 1 } })

  it('idcesTimes merges in time order, ties in unit order', () => {
    const { idces, times } = sd.idcesTimes()
    expect(Array.from(idces)).toEqual([2, 0, 0, 1, 0, 2])
    expect(Array.from(times)).toEqual([0, 1, 5, 5, 9, 20])
  })

  it('raster bins (start + k·bin, start + (k+1)·bin] with a spike at start in bin 0', () => {
    const r = sd.raster(5)
    expect([r.units, r.bins]).toEqual([3, 4])
    expect(Array.from(r.counts)).toEqual([2, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1])
    expect(() => sd.raster(-1)).toThrow(expect.objectContaining({ argument: 'binMs' }))
  })

  it('subset refuses what is neither an index nor an array of them', () => {
    expect(() => sd.subset({} as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'units' }))
    expect(() => sd.subset(null as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'units' }))
  })

  it('subset treats the list as a set and keeps unit order', () => {
    const sub = sd.subset([2, 0, 2])
    expect(trains(sub)).toEqual([[1, 5, 9], [0, 20]])
    expect(sub.neuronAttributes).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(sub.lengthMs).toBe(20)
    expect(trains(sd.subset(['b'], { by: 'id' }))).toEqual([[5]])
    expect(() => sd.subset([3])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'units' }))
  })

  it('subtime keeps [start, end) shifted to start, with negative bounds from the end', () => {
    const sub = sd.subtime(5, 10)
    expect(trains(sub)).toEqual([[0, 4], [0], []])
    expect([sub.lengthMs, sub.startTimeMs]).toEqual([5, 0])
    expect(trains(sd.subtime(-11, null))).toEqual([[0], [], []])
    const centred = sd.subtime(4, 10, { shiftTo: 5 })
    expect(trains(centred)).toEqual([[0, 4], [0], []])
    expect(centred.startTimeMs).toBe(-1)
    expect(() => sd.subtime(10, 5)).toThrow(expect.objectContaining({ argument: 'end' }))
    expect(() => sd.subtime(0, 21)).toThrow(expect.objectContaining({ argument: 'end' }))
    expect(() => sd.subtime(-30, null)).toThrow(expect.objectContaining({ argument: 'start' }))
  })

  it('subtime carries raw samples inside the window', () => {
    const raw = SpikeData.fromTrains([[1]], { lengthMs: 4, rawData: { data: new Float64Array([0, 1, 2, 3, 10, 11, 12, 13]), shape: [2, 4] }, rawTimeMs: [0, 1, 2, 3] })
    const sub = raw.subtime(1, 3)
    expect(Array.from(sub.rawData!.data)).toEqual([1, 2, 11, 12])
    expect(sub.rawData!.shape).toEqual([2, 2])
    expect(Array.from(sub.rawTimeMs!)).toEqual([0, 1])
  })

  it('ratesHz uses the length', () => {
    expect(sd.ratesHz()).toEqual([150, 50, 100])
  })
})

describe('spacing', () => {
  it('matches numpy.spacing', () => {
    expect(40 + spacing(40)).toBe(40.00000000000001)
    expect(spacing(1)).toBe(Number.EPSILON)
    expect(spacing(0)).toBe(Number.MIN_VALUE)
  })
})

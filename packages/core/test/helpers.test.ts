import { describe, expect, it } from 'vitest'
import { InvalidDataError, SpikeData, SpikesError } from '../src/index.js'
import { checkTimeUnit, naturalSort, raggedOffsets, toMilliseconds } from '../src/loader-utils.js'
import { spikeDataFromJson, spikeDataToJson, toJsonValue } from '../src/json-entry.js'

describe('time units', () => {
  it('converts with SpikeLab operation order', () => {
    expect(Array.from(toMilliseconds([1.5, 2], 's'))).toEqual([1500, 2000])
    expect(Array.from(toMilliseconds([3], 'samples', 30000))).toEqual([(3 / 30000) * 1e3])
    expect(Array.from(toMilliseconds(new Int32Array([7]), 'ms'))).toEqual([7])
  })

  it('rejects unknown units and samples without a rate', () => {
    expect(() => checkTimeUnit('sec', undefined)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'timeUnit', received: 'sec' }))
    expect(() => checkTimeUnit('samples', undefined, 'spikeTimesUnit')).toThrow(expect.objectContaining({ argument: 'fsHz' }))
    expect(() => checkTimeUnit('samples', -5)).toThrow(expect.objectContaining({ argument: 'fsHz', received: -5 }))
  })
})

describe('raggedOffsets', () => {
  it('reads cumulative-end and leading-zero indices', () => {
    expect(Array.from(raggedOffsets([3, 3, 7], 7))).toEqual([0, 3, 3, 7])
    expect(Array.from(raggedOffsets([0, 3, 3, 7], 7))).toEqual([0, 3, 3, 7])
  })

  it('keeps SpikeLab heuristics without a unit count', () => {
    expect(Array.from(raggedOffsets([0, 5], 5))).toEqual([0, 5])
    expect(Array.from(raggedOffsets([0, 0, 0], 0))).toEqual([0, 0, 0, 0])
    expect(Array.from(raggedOffsets([0], 0))).toEqual([0, 0])
  })

  it('lets a known unit count decide', () => {
    expect(Array.from(raggedOffsets([0, 5], 5, { nUnits: 2 }))).toEqual([0, 0, 5])
    expect(Array.from(raggedOffsets([0, 5], 5, { nUnits: 1 }))).toEqual([0, 5])
    expect(() => raggedOffsets([1, 2, 5], 5, { nUnits: 1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', nUnits: 1, length: 3 }))
  })

  it('rejects float, negative, decreasing and overflowing indices', () => {
    expect(() => raggedOffsets([1, 2], 2, { integerDtype: false })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
    expect(() => raggedOffsets([-1, 2], 2)).toThrow(expect.objectContaining({ position: 0, value: -1 }))
    expect(() => raggedOffsets([3, 2], 3)).toThrow(expect.objectContaining({ position: 1 }))
    expect(() => raggedOffsets([2, 5], 3)).toThrow(expect.objectContaining({ last: 5, flatLength: 3 }))
    expect(() => raggedOffsets([1.5], 3)).toThrow(InvalidDataError)
  })
})

describe('natural sort', () => {
  it('orders digit runs numerically', () => {
    expect(naturalSort(['unit10', 'unit2', 'unit1'])).toEqual(['unit1', 'unit2', 'unit10'])
    expect(naturalSort(['10', '2', '1'])).toEqual(['1', '2', '10'])
  })

  it("follows SpikeLab's key exactly: case-sensitive text, digit runs by value, byte order on ties", () => {
    expect(naturalSort(['unit_10', 'unit_2', 'unit_1', 'b', 'a10', 'a9'])).toEqual(['a9', 'a10', 'b', 'unit_1', 'unit_2', 'unit_10'])
    expect(naturalSort(['a1', 'B1'])).toEqual(['B1', 'a1'])
    expect(naturalSort(['1', '01', 'a', '10', '2', ''])).toEqual(['', '01', '1', '2', '10', 'a'])
    expect(naturalSort(['x99999999999999999999', 'x100000000000000000000', 'x3'])).toEqual(['x3', 'x99999999999999999999', 'x100000000000000000000'])
  })
})

describe('JSON', () => {
  it('round-trips a SpikeData, tagging non-finite numbers', () => {
    const sd = SpikeData.fromTrains([[0.1, 2.000000000000001], []], {
      lengthMs: 5,
      startTimeMs: -1,
      neuronAttributes: [{ rate: NaN, loc: new Float32Array([1, 2]) }, { rate: Infinity }],
      metadata: { big: 2n ** 60n, when: new Date(0) },
      rawData: { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] },
      rawTimeMs: [0, 1],
    })
    const doc = JSON.parse(JSON.stringify(spikeDataToJson(sd)))
    expect(doc.neuronAttributes[0].rate).toEqual({ $float: 'NaN' })
    expect(doc.metadata.big).toBe('1152921504606846976')
    expect(doc.metadata.when).toBe('1970-01-01T00:00:00.000Z')
    expect(doc.rawData).toEqual([[1, 2], [3, 4]])
    expect(doc.rawDataType).toBe('Float64Array')
    const back = spikeDataFromJson(doc)
    expect(back.trains.map((t) => Array.from(t))).toEqual([[0.1, 2.000000000000001], []])
    expect([back.N, back.lengthMs, back.startTimeMs]).toEqual([2, 5, -1])
    expect(Number.isNaN(back.neuronAttributes![0].rate)).toBe(true)
    expect(back.neuronAttributes![1].rate).toBe(Infinity)
    expect(back.rawData!.shape).toEqual([2, 2])
    expect(() => spikeDataFromJson({})).toThrow(expect.objectContaining({ argument: 'doc.trains' }))
  })

  it('round-trips raw data exactly: non-finite values, its typed-array type, three dimensions', () => {
    const floats = SpikeData.fromTrains([[1]], { lengthMs: 2, rawData: { data: new Float32Array([NaN, 1.5, -Infinity, 2]), shape: [2, 2] }, rawTimeMs: [0, 1] })
    const doc = JSON.parse(JSON.stringify(spikeDataToJson(floats)))
    expect(doc.rawData).toEqual([[{ $float: 'NaN' }, 1.5], [{ $float: '-Infinity' }, 2]])
    const back = spikeDataFromJson(doc)
    expect(back.rawData!.data).toBeInstanceOf(Float32Array)
    expect(Array.from(back.rawData!.data)).toEqual([NaN, 1.5, -Infinity, 2])
    const ints = SpikeData.fromTrains([[1]], { lengthMs: 2, rawData: { data: Int16Array.from({ length: 12 }, (_, i) => i - 6), shape: [2, 3, 2] }, rawTimeMs: [0, 1] })
    const intDoc = JSON.parse(JSON.stringify(spikeDataToJson(ints)))
    expect(intDoc.rawData).toEqual([[[-6, -5], [-4, -3], [-2, -1]], [[0, 1], [2, 3], [4, 5]]])
    const intBack = spikeDataFromJson(intDoc)
    expect(intBack.rawData!.data).toBeInstanceOf(Int16Array)
    expect(intBack.rawData!.shape).toEqual([2, 3, 2])
  })

  it('toJsonValue bounds depth', () => {
    const deep: Record<string, unknown> = {}
    let cur = deep
    for (let i = 0; i < 100; i++) cur = cur.x = {}
    expect(JSON.stringify(toJsonValue(deep))).toContain('[too deep]')
  })
})

describe('SpikesError', () => {
  it('carries a stable code and JSON-safe details', () => {
    const e = new InvalidDataError('bad', { unit: 3 })
    expect(e).toBeInstanceOf(SpikesError)
    expect(e.toJSON()).toEqual({ name: 'InvalidDataError', code: 'SPIKES_INVALID_DATA', message: 'bad', details: { unit: 3 } })
    expect((e as unknown as { unit: number }).unit).toBe(3)
  })
})

describe('stableTimeOrder', () => {
  it('gives the stable order of a range stored out of order, and undefined for one in order', async () => {
    const { stableTimeOrder } = await import('../src/loader-utils.js')
    expect(stableTimeOrder([1, 2, 2, 5])).toBeUndefined()
    expect(Array.from(stableTimeOrder([3, 1, 2, 1])!)).toEqual([1, 3, 2, 0])
    // A range: positions relative to its start; ties keep their stored order.
    expect(Array.from(stableTimeOrder([9, 9, 5, 4, 5, 0], 1, 5)!)).toEqual([2, 1, 3, 0])
    expect(stableTimeOrder([9, 1, 2, 0], 1, 3)).toBeUndefined()
  })
})

describe('SelectionRequiredError', () => {
  it('hints the first candidate as the option value, unless given hints of its own', async () => {
    const { SelectionRequiredError } = await import('../src/index.js')
    const plain = new SelectionRequiredError('dataset', ['/a', '/b'], 'Two datasets fit.')
    expect(plain).toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'dataset', available: ['/a', '/b'] })
    expect(plain.hints).toEqual([{ kind: 'option', option: 'dataset', example: '/a', why: 'to choose one' }])
    const own = new SelectionRequiredError('layout', ['ragged: /x + /y'], 'One layout fits.', [{ kind: 'text', text: 'Pass both options.' }])
    expect(own.hints).toEqual([{ kind: 'text', text: 'Pass both options.' }])
    expect(own.details).toMatchObject({ option: 'layout', available: ['ragged: /x + /y'], hints: [{ kind: 'text', text: 'Pass both options.' }] })
    expect(new SelectionRequiredError('x', [], 'None.').hints).toEqual([])
  })
})

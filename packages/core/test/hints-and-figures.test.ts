import { describe, expect, it } from 'vitest'
import { codeHint, InvalidArgumentError, jsLiteral, SpikeData, type Hint } from '../src/index.js'
import { formatDuration, formatNumber, lowerBound, niceTicks, orderUnits, unitTable } from '../src/figures.js'

describe('structured hints', () => {
  it('write each kind as code in the library message and survive JSON', () => {
    const hints: [Hint, string][] = [
      [{ kind: 'option', option: 'fsHz', example: 30000, why: 'with the sampling rate' }, 'Pass { options: { fsHz: 30000 } } with the sampling rate.'],
      [{ kind: 'load-option', option: 'format', example: '<id>', why: 'to force a loader' }, 'Pass { format: <id> } to force a loader.'],
      [{ kind: 'load-option', option: 'format', example: 'kilosort', why: 'to choose' }, "Pass { format: 'kilosort' } to choose."],
      [{ kind: 'call', call: 'readSpikeLabPickle()', packageName: '@spikes/format-pickle', why: 'for other types' }, 'Use readSpikeLabPickle() from @spikes/format-pickle for other types.'],
      [{ kind: 'input', input: "/d/it's.nwb", why: 'instead' }, "Load '/d/it\\'s.nwb' instead."],
      [{ kind: 'command', command: 'scan', why: 'to list them', text: '' }, ''],
      [{ kind: 'text', text: 'Check the file.' }, 'Check the file.'],
    ]
    for (const [hint, code] of hints) expect(codeHint(hint)).toBe(code)
    const error = new InvalidArgumentError('fsHz', undefined, 'a sampling rate', { hints: hints.map(([h]) => h) })
    expect(error.problem).toBe('Missing fsHz: expected a sampling rate.')
    expect(error.message).toBe(`Missing fsHz: expected a sampling rate. ${hints.map(([, c]) => c).filter(Boolean).join(' ')}`)
    expect(JSON.parse(JSON.stringify(error)).details.hints).toEqual(hints.map(([h]) => h))
    expect(new InvalidArgumentError('x', 1, 'y').details).not.toHaveProperty('hints')
    const worded = new InvalidArgumentError('x', 1, 'y', { problem: 'No x here.', details: { extra: 2 }, hints: [hints[6][0]] })
    expect(worded).toMatchObject({ problem: 'No x here.', message: 'No x here. Check the file.', argument: 'x', received: 1, expected: 'y', extra: 2 })
    expect(Object.keys(worded.details)).toEqual(['argument', 'received', 'expected', 'extra', 'hints'])
    expect(jsLiteral({ columns: ['a', 'b'], 'odd-key': null })).toBe("{ columns: ['a', 'b'], 'odd-key': null }")
  })
})

describe('figure helpers', () => {
  const sd = SpikeData.fromTrains([[1, 2, 3], [5], [], [1, 2, 3, 4, 5, 6]], {
    lengthMs: 1000,
    neuronAttributes: [
      { unit_id: 12, electrode: 3, location: [0, 40], label: 'good' },
      { unit_id: 2, electrode: 1, location: [0, 20] },
      { cluster_id: 'x7' },
      { unit_id: 10, electrode: 2, depth: 5, KSLabel: 'mua' },
    ],
  })

  it('describes units by id, spikes, rate, electrode, depth and label', () => {
    expect(unitTable(sd)).toEqual([
      { index: 0, id: '12', spikes: 3, rateHz: 3, electrode: 3, depth: 40, label: 'good' },
      { index: 1, id: '2', spikes: 1, rateHz: 1, electrode: 1, depth: 20 },
      { index: 2, id: 'x7', spikes: 0, rateHz: 0 },
      { index: 3, id: '10', spikes: 6, rateHz: 6, electrode: 2, depth: 5, label: 'mua' },
    ])
    expect(unitTable(SpikeData.fromTrains([[1], [2]], { lengthMs: 10 })).map((r) => r.id)).toEqual(['0', '1'])
  })

  it('orders units by id (numerically), depth, electrode and rate, units without the key last', () => {
    const rows = unitTable(sd)
    expect(orderUnits(rows, 'id')).toEqual([1, 3, 0, 2])
    expect(orderUnits(rows, 'depth')).toEqual([3, 1, 0, 2])
    expect(orderUnits(rows, 'electrode')).toEqual([1, 3, 0, 2])
    expect(orderUnits(rows, 'rate')).toEqual([3, 0, 1, 2])
    expect(() => orderUnits(rows, 'size' as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'order' }))
  })

  it('formats durations and numbers without float noise', () => {
    expect(formatDuration(690.0000000000001)).toBe('690 ms')
    expect(formatDuration(0.1 + 0.2)).toBe('0.3 ms')
    expect(formatDuration(1500)).toBe('1.5 s')
    expect(formatDuration(60_000)).toBe('1.00 min (60 s)')
    expect(formatDuration(5_204_000)).toBe('1.45 h (5,204 s)')
    expect(formatNumber(0.30000000000000004)).toBe('0.3')
    expect(niceTicks(0, 60, 6)).toEqual([0, 10, 20, 30, 40, 50, 60])
  })
})

describe('lowerBound', () => {
  it('finds the first index not below the value, in a sorted train with repeats', () => {
    const t = Float64Array.of(1, 2, 2, 2, 5)
    expect([0, 1, 2, 3, 5, 6].map((v) => lowerBound(t, v))).toEqual([0, 0, 1, 4, 4, 5])
    expect(lowerBound(new Float64Array(0), 3)).toBe(0)
  })
})

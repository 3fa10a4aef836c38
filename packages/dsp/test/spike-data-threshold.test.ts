import { describe, expect, it } from 'vitest'
import { SpikeData } from '@spikes/core'
import { fromThresholding } from '../src/index.js'

describe('fromThresholding', () => {
  // Rising edge at sample k lands at (k + 1/2) * dt (corpus README, Thresholding).
  it('puts a crossing at sample k at (k + 1/2) * dt', () => {
    const samples = 200
    const data = new Float64Array(2 * samples)
    data[50] = 10
    data[samples + 120] = -10
    const traces = { data, shape: [2, samples] }
    const options = { fsHz: 1000, filter: false as const, thresholdSigma: 3 }
    const direct = fromThresholding(traces, options)
    expect(direct).toBeInstanceOf(SpikeData)
    expect(direct.trains.map((t) => Array.from(t))).toEqual([[50.5], [120.5]])
    expect(direct.lengthMs).toBe(200)
  })
})

describe('threshold options', () => {
  it('refuses a threshold of zero or fewer standard deviations', () => {
    const traces = { data: new Float64Array(100).map((_, i) => Math.sin(i)), shape: [1, 100] as [number, number] }
    for (const thresholdSigma of [0, -2, Infinity]) {
      expect(() => fromThresholding(traces, { fsHz: 1000, filter: false, thresholdSigma })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'thresholdSigma' }))
    }
    expect(fromThresholding(traces, { fsHz: 1000, filter: false, thresholdSigma: 1 }).N).toBe(1)
  })
})

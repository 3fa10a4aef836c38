import { describe, expect, it } from 'vitest'
import { SpikeData } from '../src/index.js'
import { SPIKE_DATA_MESSAGE_KIND, spikeDataFromMessage, spikeDataMessage } from '../src/transfer-entry.js'

const sample = () =>
  SpikeData.fromTrains([[1, 2.5], [], [0.25]], {
    lengthMs: 10,
    startTimeMs: 0,
    neuronAttributes: [{ unit_id: 3, template: new Float32Array([1, 2]) }, { unit_id: 4 }, { unit_id: 9 }],
    metadata: { fs_Hz: 30000 },
    rawData: { data: new Int16Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] },
    rawTimeMs: 0.5,
    warnings: [{ code: 'SPIKES_WARN_X', message: 'x' }],
  })

describe('spikeDataMessage / spikeDataFromMessage', () => {
  it('round-trips every field through structuredClone, copying: the original stays usable', () => {
    const sd = sample()
    const { message, transfer } = spikeDataMessage(sd)
    expect(transfer).toEqual([])
    const back = spikeDataFromMessage(structuredClone(message))
    expect(back).toBeInstanceOf(SpikeData)
    expect(back.trains.map((t) => Array.from(t))).toEqual([[1, 2.5], [], [0.25]])
    expect([back.N, back.lengthMs, back.startTimeMs]).toEqual([3, 10, 0])
    expect(back.neuronAttributes).toEqual([{ unit_id: 3, template: new Float32Array([1, 2]) }, { unit_id: 4 }, { unit_id: 9 }])
    expect(back.metadata).toEqual({ fs_Hz: 30000 })
    expect(back.rawData).toEqual({ data: new Int16Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] })
    expect(Array.from(back.rawTimeMs!)).toEqual([0, 2, 4])
    expect(back.warnings).toEqual([{ code: 'SPIKES_WARN_X', message: 'x' }])
    expect(Array.from(sd.train(0))).toEqual([1, 2.5])
  })

  it('with transfer, moves the buffers (the sender is detached) and the receiver has them all', () => {
    const sd = sample()
    const { message, transfer } = spikeDataMessage(sd, { transfer: true })
    expect(transfer).toHaveLength(4)
    const moved = structuredClone(message, { transfer })
    expect(sd.times.byteLength).toBe(0)
    const back = spikeDataFromMessage(moved)
    expect(back.train(0)[1]).toBe(2.5)
    expect(back.rawData!.data[5]).toBe(6)
  })

  it('never moves or copies bytes outside a view: a train view into a larger buffer is copied to its own', () => {
    const big = new Float64Array([9, 9, 1, 2, 9, 9])
    const sd = new SpikeData({ times: big.subarray(2, 4), offsets: [0, 2] })
    const { message, transfer } = spikeDataMessage(sd, { transfer: true })
    expect(message.times.buffer.byteLength).toBe(16)
    expect(transfer[0]!.byteLength).toBe(16)
    structuredClone(message, { transfer })
    expect(Array.from(big)).toEqual([9, 9, 1, 2, 9, 9])
  })

  it('refuses what is not a message, and re-checks the invariants of what claims to be one', () => {
    expect(() => spikeDataFromMessage({ N: 1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'message' }) }))
    expect(() => spikeDataFromMessage({ kind: 'spikes/SpikeData@0' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ argument: 'message.kind', received: 'spikes/SpikeData@0' }) }))
    expect(() => spikeDataFromMessage(null)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    const { message } = spikeDataMessage(sample())
    const outside = { ...message, times: new Float64Array([1, 2.5, 11]) }
    expect(() => spikeDataFromMessage(outside)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
    expect(() => spikeDataFromMessage({ ...message, offsets: new Float64Array([0, 5, 5, 3]) })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(message.kind).toBe(SPIKE_DATA_MESSAGE_KIND)
  })
})

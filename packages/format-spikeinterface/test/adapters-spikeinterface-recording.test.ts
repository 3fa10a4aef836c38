import { describe, expect, it } from 'vitest'
import type { SpikesWarning } from '@spikes/core'
import { loadSpikeDataFromSpikeInterfaceRecording, WARN_SQUARE_TRACES, type RecordingExtractorLike, type TracesLike } from '../src/adapters/index.js'
import { fromThresholding, WARN_ZERO_SPIKES } from '@spikes/dsp'

const C = 3
const T = 400

/** (channels x samples) int16 traces: quiet noise with a few large events per channel. */
function channelsBySamples(): Int16Array {
  const x = new Int16Array(C * T)
  let s = 7
  for (let i = 0; i < x.length; i++) {
    s = (s * 48271) % 2147483647
    x[i] = (s % 21) - 10
  }
  x[0 * T + 50] = 300
  x[1 * T + 120] = -280
  x[1 * T + 121] = -300
  x[2 * T + 390] = 310
  return x
}

function samplesByChannels(x: Int16Array, channels = C, samples = T): Int16Array {
  const out = new Int16Array(x.length)
  for (let c = 0; c < channels; c++) for (let k = 0; k < samples; k++) out[k * channels + c] = x[c * samples + k]
  return out
}

function fakeRecording(traces: TracesLike, extra: Partial<RecordingExtractorLike> = {}) {
  const calls: number[] = []
  const recording: RecordingExtractorLike = {
    getTraces: ({ segmentIndex }) => {
      calls.push(segmentIndex)
      return traces
    },
    getSamplingFrequency: () => 20000,
    ...extra,
  }
  return { recording, calls }
}

describe('loadSpikeDataFromSpikeInterfaceRecording', () => {
  const expected = fromThresholding({ data: channelsBySamples(), shape: [C, T] }, { fsHz: 20000, filter: false, thresholdSigma: 5 })

  it('turns SpikeInterface (samples x channels) traces into (channels x samples) and thresholds them unfiltered', async () => {
    const { recording, calls } = fakeRecording({ data: samplesByChannels(channelsBySamples()), shape: [T, C] })
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(recording)
    expect(calls).toEqual([0])
    expect(sd.N).toBe(C)
    expect(sd.trains.map((t) => Array.from(t))).toEqual(expected.trains.map((t) => Array.from(t)))
    expect(sd.trains.map((t) => t.length)).toEqual([1, 1, 1])
    expect(sd.rawData!.data).toBeInstanceOf(Int16Array)
    expect(sd.rawData!.shape).toEqual([C, T])
    expect(Array.from(sd.rawData!.data)).toEqual(Array.from(channelsBySamples()))
    expect(sd.lengthMs).toBe(T * (1e3 / 20000))
    expect(sd.warnings).toEqual([])
  })

  it('keeps (channels x samples) traces as given, and accepts one array per row', async () => {
    const data = channelsBySamples()
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data, shape: [C, T] }).recording)
    expect(sd.rawData!.data).toBe(data)
    const rows = Array.from({ length: C }, (_, c) => Array.from(data.subarray(c * T, (c + 1) * T)))
    const fromRows = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording(rows).recording)
    expect(fromRows.rawData!.data).toBeInstanceOf(Float64Array)
    expect(fromRows.trains.map((t) => Array.from(t))).toEqual(expected.trains.map((t) => Array.from(t)))
  })

  it('uses getNumChannels() to orient traces shorter than the channel count', async () => {
    // 8 channels x 5 samples as SpikeInterface returns it: (5, 8). The size heuristic alone would
    // take 5 as the channel count.
    const x = new Float64Array(8 * 5)
    const t = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data: x, shape: [5, 8] }, { getNumChannels: () => 8 }).recording, { thresholdSigma: 1 })
    expect(t.N).toBe(8)
    expect(t.rawData!.shape).toEqual([8, 5])
    const h = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data: x, shape: [5, 8] }).recording, { thresholdSigma: 1 })
    expect(h.N).toBe(5)
  })

  it('warns about square traces and assumes (channels, samples)', async () => {
    const seen: SpikesWarning[] = []
    const x = new Float64Array(16)
    x[5] = 10
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data: x, shape: [4, 4] }, { getNumChannels: () => 4 }).recording, { onWarning: (w) => seen.push(w), thresholdSigma: 1 })
    expect(seen.map((w) => w.code)).toEqual([WARN_SQUARE_TRACES])
    expect(sd.warnings.map((w) => w.code)).toEqual([WARN_SQUARE_TRACES])
    expect(sd.rawData!.data).toBe(x)
    expect(Array.from(sd.train(1))).toEqual([1 * 0.05 + 0.025])
  })

  it('puts the zero-spike warning on the result once', async () => {
    const seen: SpikesWarning[] = []
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data: new Float64Array(20), shape: [10, 2] }).recording, { onWarning: (w) => seen.push(w) })
    expect(seen.map((w) => w.code)).toEqual([WARN_ZERO_SPIKES])
    expect(sd.warnings.map((w) => w.code)).toEqual([WARN_ZERO_SPIKES])
  })

  it('filters when asked, without touching the caller’s traces', async () => {
    const data = samplesByChannels(channelsBySamples())
    const copy = data.slice()
    const floats = Float64Array.from(channelsBySamples())
    const floatsCopy = floats.slice()
    const a = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data, shape: [T, C] }).recording, { filter: true })
    expect(a.rawData!.data).toBeInstanceOf(Float64Array)
    expect(data).toEqual(copy)
    const b = await loadSpikeDataFromSpikeInterfaceRecording(fakeRecording({ data: floats, shape: [C, T] }).recording, { filter: { lowcut: 300 } })
    expect(b.rawData!.data).not.toBe(floats)
    expect(floats).toEqual(floatsCopy)
  })

  it('passes the segment index and reads the rate from a samplingFrequency property', async () => {
    const { recording, calls } = fakeRecording({ data: channelsBySamples(), shape: [C, T] }, { getSamplingFrequency: undefined, samplingFrequency: 10000 })
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(recording, { segmentIndex: 2 })
    expect(calls).toEqual([2])
    expect(sd.rawTimeMs![1]).toBe(1 / 10)
  })

  it('checks the segment index against getNumSegments() and warns when several exist and none was chosen', async () => {
    const two = fakeRecording({ data: channelsBySamples(), shape: [C, T] }, { getNumSegments: () => 2 })
    await expect(loadSpikeDataFromSpikeInterfaceRecording(two.recording, { segmentIndex: 2 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex' })
    expect(two.calls).toEqual([])
    const seen: string[] = []
    const sd = await loadSpikeDataFromSpikeInterfaceRecording(two.recording, { onWarning: (w) => seen.push(w.code) })
    expect(seen).toEqual(['SPIKES_WARN_SEGMENTS'])
    expect(sd.warnings.map((w) => w.code)).toContain('SPIKES_WARN_SEGMENTS')
    const chosen: string[] = []
    await loadSpikeDataFromSpikeInterfaceRecording(two.recording, { segmentIndex: 1, onWarning: (w) => chosen.push(w.code) })
    expect(chosen).toEqual([])
    expect(two.calls).toEqual([0, 1])
  })

  it('validates the recording and every option before fetching traces', async () => {
    const { recording, calls } = fakeRecording({ data: channelsBySamples(), shape: [C, T] })
    const bad = (options: Record<string, unknown>, argument: string) => expect(loadSpikeDataFromSpikeInterfaceRecording(recording, options)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    await bad({ direction: 'sideways' }, 'direction')
    await bad({ filter: { lowcut: 6000, highcut: 300 } }, 'filter')
    await bad({ filter: true, thresholdSigma: 'x' }, 'thresholdSigma')
    await bad({ segmentIndex: 1.5 }, 'segmentIndex')
    expect(calls).toEqual([])
    await expect(loadSpikeDataFromSpikeInterfaceRecording({} as never)).rejects.toMatchObject({ argument: 'recording' })
    await expect(loadSpikeDataFromSpikeInterfaceRecording(fakeRecording([], { getSamplingFrequency: undefined }).recording)).rejects.toMatchObject({ argument: 'recording' })
    await expect(loadSpikeDataFromSpikeInterfaceRecording(fakeRecording([], { getSamplingFrequency: () => 0 }).recording)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('rejects traces that are not 2-D', async () => {
    for (const traces of [[1, 2, 3], { data: new Float64Array(6), shape: [6] }, { data: new Float64Array(5), shape: [2, 3] }, [[1, 2], [3]], null]) {
      await expect(loadSpikeDataFromSpikeInterfaceRecording(fakeRecording(traces as never).recording)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    }
  })
})

import { existsSync } from 'node:fs'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerOpenephys } from '../src/index.js'

const BINARY = realdata('openephys', 'binary-0.6.7', 'Record Node 105', 'experiment1', 'recording1')
const LEGACY = realdata('openephys', 'legacy-spikes-0.6.7', 'Record Node 105')
const d = (existsSync(BINARY) && existsSync(LEGACY)) || IN_CI ? describe : describe.skip

const c = container.createChildContainer()
registerOpenephys(c)
const edges = (sd: { train(i: number): Float64Array }, u: number) => [sd.train(u)[0], sd.train(u)[sd.train(u).length - 1]]

// Expected values computed at authoring time with numpy (/usr/bin/python3), independently of this loader.
// Binary: for i in 1..8: s = np.load(f'Stereotrode {i}/sample_numbers.npy'); c = np.load('clusters.npy'); e = np.load('electrode_indices.npy')
//   len(s), np.unique(c) (all 0), np.unique(e) (i - 1), s.min() / 40000 * 1000, s.max() / 40000 * 1000   (40000 = oebin sample_rate)
// Legacy: np.fromfile(f, dtype=record, offset=1024) with the 216-byte record (u1 eventType, <i8 timestamp, <i8 software
//   timestamp, 6 x <u2, 3 x u1 colour, 2 x <f4, <u2 sampling rate, 80 x <u2 samples, 2 x <f4 gains, 2 x <u2 thresholds,
//   <u2 recordingNumber); a['sid'] all 0, a['eid'] = file index - 1, a['ts'].min() / 40000 * 1000, a['ts'].max() / 40000 * 1000.
d('real Open Ephys recordings (../shared/realdata/openephys)', () => {
  it('binary-0.6.7: 8 stereotrodes, 1379 unsorted spikes, one unit per electrode', async () => {
    const sd = await loadSpikeData(BINARY, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'openephys' })
    expect(sd.N).toBe(8)
    expect(sd.totalSpikes).toBe(1379)
    expect(sd.spikeCounts()).toEqual([189, 184, 169, 161, 186, 166, 176, 148])
    expect(edges(sd, 0)).toEqual([4.9750000000000005, 4280.35])
    expect(edges(sd, 1)).toEqual([0.075, 4280.325000000001])
    expect(edges(sd, 7)).toEqual([10.8, 4200.575])
    expect(sd.lengthMs).toBe(4280.35)
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 'Stereotrode 1_0', electrode: 0, electrode_name: 'Stereotrode 1', sorted_id: 0, quality: 'unsorted', channels: ['CH1', 'CH2'], stream_name: 'example_data', source_processor_id: 104, gui_layout: '0.6' })
    expect(sd.neuronAttributes![7]).toMatchObject({ unit_id: 'Stereotrode 8_0', electrode: 7, channels: ['CH15', 'CH16'] })
    expect(sd.metadata).toMatchObject({ source_format: 'Open Ephys Binary', gui_version: '0.6.7', fs_Hz: 40000, software_start_time_ms: 1743680304612, first_sample: { 'File Reader (100) - example_data': 40091 } })
    expect((sd.metadata.spike_folders as string[])[0]).toBe('Spike_Detector-104.example_data/Stereotrode 1')
    expect(sd.warnings).toEqual([])
  })

  it('binary-0.6.7 given as its Record Node folder: the same spikes, the recording named in metadata', async () => {
    const node = await loadSpikeData(realdata('openephys', 'binary-0.6.7', 'Record Node 105'), { container: c })
    const recording = await loadSpikeData(BINARY, { container: c })
    expect(node.spikeCounts()).toEqual(recording.spikeCounts())
    expect(Array.from(node.times)).toEqual(Array.from(recording.times))
    expect(node.metadata.recording).toBe('experiment1/recording1')
  })

  it('legacy-spikes-0.6.7: 8 .spikes files, 1323 unsorted spikes', async () => {
    const sd = await loadSpikeData(LEGACY, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'openephys' })
    expect(sd.N).toBe(8)
    expect(sd.totalSpikes).toBe(1323)
    expect(sd.spikeCounts()).toEqual([174, 170, 168, 160, 180, 167, 166, 138])
    expect(edges(sd, 0)).toEqual([5307.825, 9466.075])
    expect(edges(sd, 2)).toEqual([5289.724999999999, 9583.824999999999])
    expect(edges(sd, 7)).toEqual([5307.974999999999, 9592.800000000001])
    expect(sd.lengthMs).toBe(9592.800000000001)
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 'Stereotrode 1_0', electrode: 0, electrode_name: 'Stereotrode 1', quality: 'unsorted', spike_file: 'Stereotrode1_example-data.spikes', channels_per_spike: 2, samples_per_spike: 40 })
    expect(sd.neuronAttributes![7]).toMatchObject({ unit_id: 'Stereotrode 8_0', electrode: 7 })
    expect(sd.metadata).toMatchObject({ source_format: 'Open Ephys (legacy)', format_version: 0.6, fs_Hz: 40000, recording_numbers: [0] })
    // messages.events lines 1-2: '1743680325032, Software Time (...)', '251635, Start Time for File Reader (100) - example_data @ 40000 Hz'
    expect(sd.metadata).toMatchObject({ software_start_time_ms: 1743680325032, first_sample: { 'File Reader (100) - example_data': 251635 } })
    expect(sd.warnings).toEqual([])
  })

  it('legacy-spikes-0.6.7: recordingNumber 1 (structure.openephys calls it RECORDING number="1", the records 0) is refused, naming 0', async () => {
    expect(await loadSpikeData(LEGACY, { container: c, options: { recordingNumber: 0 } }).then((sd) => sd.totalSpikes)).toBe(1323)
    await expect(loadSpikeData(LEGACY, { container: c, options: { recordingNumber: 1 } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'recordingNumber', message: expect.stringMatching(/\(0\)/) })
  })
})

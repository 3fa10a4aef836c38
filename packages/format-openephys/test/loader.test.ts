import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, LoaderRegistry, loadSpikeData, memoryFolder, probeSource, type DependencyContainer } from '@spikes/core'
import { npyFile, openEphysSpikesFile, countingFolder } from '@spikes/testing'
import { openephysLoader, registerOpenephys } from '../src/index.js'

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerOpenephys(c)
  return c
}

const vector = (descr: '<i8' | '<u2', values: number[]) => {
  const data = descr === '<i8' ? new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) : new Uint8Array(Uint16Array.from(values).buffer)
  return npyFile(`{'descr': '${descr}', 'fortran_order': False, 'shape': (${values.length},), }`, data)
}

// GUI 0.6+ Binary recording with an online sorter: tetrode "TT1" with sorted ids 0, 1 and 2.
const SORTED = {
  'structure.oebin': JSON.stringify({
    'GUI version': '0.6.4',
    continuous: [{ folder_name: 'Rhythm-100.0/', stream_name: 'Rhythm', sample_rate: 30000, num_channels: 4 }],
    spikes: [{ name: 'TT1', folder: 'Spike_Sorter-102.Rhythm/TT1/', sample_rate: 30000, stream_name: 'Rhythm', source_processor_id: 102, source_channels: [{ name: 'CH1' }, { name: 'CH2' }] }],
  }),
  'sync_messages.txt': 'Software Time (milliseconds since midnight Jan 1st 1970 UTC): 1700000000000\nStart Time for Rhythm (100) - Rhythm @ 30000 Hz: 3000\n',
  'spikes/Spike_Sorter-102.Rhythm/TT1/sample_numbers.npy': vector('<i8', [3000, 3030, 3300, 6000, 9000]),
  'spikes/Spike_Sorter-102.Rhythm/TT1/clusters.npy': vector('<u2', [1, 0, 2, 1, 1]),
  'spikes/Spike_Sorter-102.Rhythm/TT1/electrode_indices.npy': vector('<u2', [0, 0, 0, 0, 0]),
}

// GUI 0.5 names: spike_group_1 holding two electrodes (indices 0 and 1), oebin `folder_name`.
const OLD = {
  'structure.oebin': JSON.stringify({ 'GUI version': '0.5.5', spikes: [{ folder_name: 'Spike_Sorter-104.0/spike_group_1/', sample_rate: 20000, source_processor: 'Spike Sorter' }] }),
  'sync_messages.txt': 'Processor: Rhythm FPGA Id: 100 subProcessor: 0 start time: 2000@20000Hz\n',
  'spikes/Spike_Sorter-104.0/spike_group_1/spike_times.npy': vector('<i8', [2000, 2020, 4000]),
  'spikes/Spike_Sorter-104.0/spike_group_1/spike_clusters.npy': vector('<u2', [3, 3, 0]),
  'spikes/Spike_Sorter-104.0/spike_group_1/spike_electrode_indices.npy': vector('<u2', [1, 0, 1]),
}

const legacy = (records: Parameters<typeof openEphysSpikesFile>[0]['records'], electrode = 'TT1') => openEphysSpikesFile({ electrode, records })
const LEGACY = {
  'settings.xml': '<SETTINGS/>',
  'TT1.spikes': legacy([{ timestamp: 300, sortedId: 2 }, { timestamp: 600 }, { timestamp: 900, sortedId: 2, recording: 1 }]),
  'TT10.spikes': legacy([{ timestamp: 30, electrodeId: 9 }], 'TT10'),
  'TT2.spikes': legacy([{ timestamp: 3000, electrodeId: 1, sortedId: 1 }], 'TT2'),
}

const folder = (files: Record<string, Uint8Array | string>, name = 'rec') => memoryFolder(files, name)
const load = (files: Record<string, Uint8Array | string>, options: Record<string, unknown> = {}) => loadSpikeData(folder(files), { container: makeContainer(), options })


describe('openephys loader', () => {
  it('registers one loader through DI', () => {
    expect(makeContainer().resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['openephys'])
  })

  it('Binary 0.6+: one unit per (electrode, sorted id), unsorted first, times not shifted by the first sample', async () => {
    const sd = await load(SORTED)
    expect(sd.neuronAttributes!.map((a) => [a.unit_id, a.sorted_id, a.quality])).toEqual([['TT1_0', 0, 'unsorted'], ['TT1_1', 1, undefined], ['TT1_2', 2, undefined]])
    expect(Array.from(sd.train(0))).toEqual([101])
    expect(Array.from(sd.train(1))).toEqual([100, 200, 300])
    expect(Array.from(sd.train(2))).toEqual([110])
    expect(sd.neuronAttributes![1]).toMatchObject({ electrode: 0, electrode_name: 'TT1', channels: ['CH1', 'CH2'], stream_name: 'Rhythm', source_processor_id: 102, gui_layout: '0.6' })
    expect(sd.metadata).toMatchObject({ gui_version: '0.6.4', fs_Hz: 30000, first_sample: { 'Rhythm (100) - Rhythm': 3000 }, software_start_time_ms: 1700000000000, continuous_streams: [{ name: 'Rhythm', sampleRate: 30000, channels: 4 }] })
    expect(sd.metadata.provenance).toMatchObject({ format: 'openephys', reason: 'structure.oebin with a spikes/ folder (Open Ephys Binary format)' })
  })

  it('Binary 0.5: spike_times.npy names, folder_name, a spike group with two electrodes', async () => {
    const sd = await load(OLD)
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual(['spike_group_1 #0_3', 'spike_group_1 #1_0', 'spike_group_1 #1_3'])
    expect(sd.spikeCounts()).toEqual([1, 1, 1])
    expect(Array.from(sd.train(0))).toEqual([101])
    expect(Array.from(sd.train(1))).toEqual([200])
    expect(sd.neuronAttributes![0]).toMatchObject({ electrode: 0, gui_layout: '0.5', source_processor: 'Spike Sorter' })
    expect(sd.metadata).toMatchObject({ gui_version: '0.5.5', first_sample: { 'Rhythm FPGA Id: 100 subProcessor: 0': 2000 } })
  })

  it('reads the spikes/ folders when structure.oebin lists none (fsHz then required)', async () => {
    const files = { ...SORTED, 'structure.oebin': '{"GUI version": "0.6.0"}' }
    await expect(load(files)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    const sd = await load(files, { fsHz: 30000 })
    expect(sd.N).toBe(3)
    expect(sd.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_OEBIN_NO_SPIKES'])
  })

  it('legacy .spikes: files in natural order, units by (electrode, sorted id), recordingNumber filter', async () => {
    const sd = await load(LEGACY)
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual(['TT1_0', 'TT1_2', 'TT2_1', 'TT10_0'])
    expect(sd.neuronAttributes!.map((a) => a.electrode)).toEqual([0, 0, 1, 9])
    expect(Array.from(sd.train(1))).toEqual([10, 30])
    expect(Array.from(sd.train(3))).toEqual([1])
    expect(sd.metadata).toMatchObject({ source_format: 'Open Ephys (legacy)', format_version: 0.4, spike_files: ['TT1.spikes', 'TT2.spikes', 'TT10.spikes'], recording_numbers: [0, 1], fs_Hz: 30000 })
    const only1 = await load(LEGACY, { recordingNumber: 1 })
    expect(only1.spikeCounts()).toEqual([1])
    expect(Array.from(only1.train(0))).toEqual([30])
  })

  it('legacy messages.events: the software start time and each stream\'s first sample, as sync_messages.txt gives them for Binary', async () => {
    const events = '1700000000123, Software Time (milliseconds since midnight Jan 1st 1970 UTC)\n4500, Start Time for Rhythm (100) - Rhythm @ 30000 Hz\n4500, TTL Line=1 State=1\n'
    const sd = await load({ ...LEGACY, 'messages.events': events })
    expect(sd.metadata).toMatchObject({ software_start_time_ms: 1700000000123, first_sample: { 'Rhythm (100) - Rhythm': 4500 } })
    const old = await load({ ...LEGACY, 'messages.events': '2000 Software time: 1500000000000@30000Hz\nProcessor: Rhythm FPGA Id: 100 start time: 2000@30000Hz\n' })
    expect(old.metadata).toMatchObject({ first_sample: { 'Rhythm FPGA Id: 100': 2000 } })
    expect((await load(LEGACY)).metadata).not.toHaveProperty('first_sample')
  })

  it('legacy .spikes: a recordingNumber no record has is refused with the numbers there are, not loaded as N = 0', async () => {
    await expect(load(LEGACY, { recordingNumber: 2 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'recordingNumber', received: 2, message: expect.stringMatching(/0, 1/) })
  })

  it('empty inputs: a Binary spikes folder with no spikes and a legacy .spikes file with no records load as N = 0', async () => {
    const binary = await load({ ...SORTED, 'spikes/Spike_Sorter-102.Rhythm/TT1/sample_numbers.npy': vector('<i8', []), 'spikes/Spike_Sorter-102.Rhythm/TT1/clusters.npy': vector('<u2', []), 'spikes/Spike_Sorter-102.Rhythm/TT1/electrode_indices.npy': vector('<u2', []) })
    expect([binary.N, binary.totalSpikes, binary.lengthMs]).toEqual([0, 0, 0])
    const old = await load({ 'settings.xml': '<SETTINGS/>', 'TT1.spikes': legacy([]) })
    expect([old.N, old.totalSpikes]).toEqual([0, 0])
  })

  it('reads a Record Node folder: its only Binary recording, or the one named by recording', async () => {
    const inside = (prefix: string) => Object.fromEntries(Object.entries(SORTED).map(([k, v]) => [`${prefix}/${k}`, v]))
    const one = await load({ 'settings.xml': '<SETTINGS/>', ...inside('experiment1/recording1') })
    expect(one.spikeCounts()).toEqual([1, 3, 1])
    expect(one.metadata).toMatchObject({ recording: 'experiment1/recording1', gui_version: '0.6.4' })
    expect(one.metadata.provenance).toMatchObject({ reason: 'Open Ephys Record Node folder (settings.xml, experiment1/): its Binary recording is read' })
    const two = { 'settings.xml': '<SETTINGS/>', ...inside('experiment1/recording1'), ...inside('experiment2/recording1'), 'experiment1/recording2/notes.txt': '' }
    await expect(load(two)).rejects.toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'recording', available: ['experiment1/recording1', 'experiment2/recording1'] })
    const chosen = await load(two, { recording: 'experiment2/recording1/' })
    expect(chosen.metadata.recording).toBe('experiment2/recording1')
    await expect(load(two, { recording: 'experiment1/recording2' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'recording' })
    await expect(load(SORTED, { recording: 'experiment1/recording1' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'recording' })
    await expect(loadSpikeData(folder({ 'settings.xml': '', 'experiment1/notes.txt': '' }), { container: makeContainer() })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'structure.oebin' })
  })

  it('detects Binary recordings and legacy folders; other folders and files are not claimed', async () => {
    const claim = async (files: Record<string, string | Uint8Array>) => (await openephysLoader.detect(await probeSource(folder(files)))).confidence
    expect(await claim(SORTED)).toBe(95)
    expect(await claim(LEGACY)).toBe(90)
    expect(await claim({ 'a.spikes': '' })).toBe(80)
    expect(await claim({ 'structure.oebin': '{}', 'continuous/x/continuous.dat': '' })).toBe(30)
    expect(await claim({ 'spike_times.npy': '', 'spike_clusters.npy': '' })).toBe(0)
    expect((await openephysLoader.detect(await probeSource(bytesSource(new Uint8Array(2), 'a.spikes')))).confidence).toBe(0)
  })

  it.each([
    [{ fsHz: -3 }, 'fsHz'],
    [{ recordingNumber: -1 }, 'recordingNumber'],
    [{ recording: 1 }, 'recording'],
    [{ recordingNo: 1 }, 'recordingNo'],
  ])('refuses options %j before any I/O', async (options, argument) => {
    const f = countingFolder(folder(SORTED))
    await expect(openephysLoader.load(f, options as never, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(f.touched).toBe(0)
  })

  it('warns about a rate that differs and about a partial last record', async () => {
    const cut = LEGACY['TT1.spikes'].subarray(0, LEGACY['TT1.spikes'].length - 5)
    const sd = await load({ ...LEGACY, 'TT1.spikes': cut }, { fsHz: 15000 })
    expect(sd.warnings.map((w) => w.code).sort()).toEqual(['SPIKES_WARN_PARTIAL_RECORD', ...Array(3).fill('SPIKES_WARN_SAMPLE_RATE_MISMATCH')])
    expect(Array.from(sd.train(1))).toEqual([20])
    const binary = await load(SORTED, { fs_Hz: 60000 })
    expect(binary.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SAMPLE_RATE_MISMATCH'])
    expect(Array.from(binary.train(0))).toEqual([50.5])
  })

  it('throws typed errors with stable codes', async () => {
    const base = 'spikes/Spike_Sorter-102.Rhythm/TT1/'
    await expect(load({ ...SORTED, [`${base}clusters.npy`]: vector('<u2', [1, 2]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', samples: 5, clusters: 2 })
    await expect(load({ ...SORTED, [`${base}sample_numbers.npy`]: vector('<u2', [1, 2, 3, 4, 5]).subarray(0, 130) })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    const { [`${base}sample_numbers.npy`]: _, ...noSamples } = SORTED
    await expect(load(noSamples)).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: `${base}sample_numbers.npy` })
    await expect(load({ ...SORTED, 'structure.oebin': '{oops' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'structure.oebin' })
    await expect(load({ 'structure.oebin': '{}', 'continuous/a.dat': '' }, {}).catch((e) => e)).resolves.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'spikes/' })
    await expect(load(SORTED, { recordingNumber: 0 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'recordingNumber' })
    await expect(load({ ...LEGACY, 'TT1.spikes': new TextEncoder().encode('not a header') })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'TT1.spikes' })
    const noChannels = openEphysSpikesFile({ electrode: 'x', records: [], headerLines: ["header.format = 'Open Ephys Data Format';", 'header.num_channels = 0;'] })
    await expect(load({ 'x.spikes': noChannels })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', numChannels: 0 })
    const noRate = openEphysSpikesFile({ electrode: 'x', records: [], headerLines: ["header.format = 'Open Ephys Data Format';", 'header.num_channels = 2;', 'header.samplesPerSpike = 4;'] })
    await expect(load({ 'x.spikes': noRate })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    const framed = legacy([{ timestamp: 1 }])
    new DataView(framed.buffer).setUint16(1024 + 19, 7, true)
    await expect(load({ 'x.spikes': framed })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', record: 0 })
    await expect(load(LEGACY, { lengthMs: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(openephysLoader.load(folder({ 'notes.txt': '' }), {}, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'structure.oebin' })
  })

  it('honours an aborted signal', async () => {
    await expect(loadSpikeData(folder(SORTED), { container: makeContainer(), signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('records the package version in provenance', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(openephysLoader.version).toBe(pkg.version)
    expect(openephysLoader.packageName).toBe(pkg.name)
  })
})

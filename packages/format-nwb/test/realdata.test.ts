import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, probeSource, type SpikeData } from '@spikes/core'
import { fileSource } from '@spikes/core/node'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { nwbLoader, registerNwb } from '../src/index.js'

// Expected values below come from an independent reading of each file with h5py
// (/usr/bin/python3, h5py 3.7): len(units/id), units/id[()], numpy.diff of units/spike_times_index
// (region references dereferenced for the 2018 MatNWB file), the electrodes-table row the unit's
// DynamicTableRegion value points at, and the text datasets / attributes named in each comment.

const ROOT = realdata('nwb')
const present = sharedAvailable(ROOT)
const c = container.createChildContainer()
registerNwb(c)

async function load(rel: string, options: Record<string, unknown> = {}): Promise<SpikeData> {
  return loadSpikeData(realdata('nwb', rel), { format: 'nwb', options, container: c })
}

async function failure(rel: string, options: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  try {
    await load(rel, options)
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error(`${rel} loaded but was expected to fail`)
}

function counts(sd: SpikeData): number[] {
  return sd.spikeCounts()
}

function ids(sd: SpikeData): unknown[] {
  return (sd.neuronAttributes ?? []).map((a) => a.unit_id)
}

interface WithUnits {
  file: string
  ids: number[]
  counts: number[]
}

// units/id and diff([0, *spike_times_index]) read with h5py.
const WITH_UNITS: WithUnits[] = [
  { file: 'dandi-000009-via-hdmf-zarr/sub_anm00239123_ses_20170627T093549_ecephys_and_ogen.nwb', ids: [1, 2, 3, 4], counts: [12992, 3458, 2714, 14893] },
  { file: 'dandi-nwb_test_data-v2.0.1/test_Units.nwb', ids: [0, 1], counts: [3, 3] },
  { file: 'matnwb-2018/ecephys_tutorial_e7401f8.nwb', ids: [1, 2, 3], counts: [4, 4, 2] },
  {
    file: 'matnwb-rutishauser-via-pynapple/sub-4_ses-4_ecephys+image.nwb',
    ids: Array.from({ length: 35 }, (_, i) => i),
    counts: [19750, 20438, 17194, 19509, 1133, 1301, 5108, 13511, 3701, 1757, 4253, 2171, 4107, 1124, 17700, 3239, 6060, 1768, 8120, 994, 4923, 1629, 6012, 4265, 758, 20736, 1032, 5329, 3200, 1693, 520, 6568, 876, 1949, 1850],
  },
  { file: 'pynapple-phy/A8604-211122.nwb', ids: [6, 191, 206], counts: [11020, 4690, 5644] },
]

// No group with neurodata_type Units and no /units group (h5py visititems).
const WITHOUT_UNITS = [
  'aqnwb-2.9.0/createESandSES.nwb',
  'aqnwb-2.9.0/createElectrodesTable.nwb',
  'aqnwb-2.9.0/exampleRecording.nwb',
  'dandi-nwb_test_data-v2.0.1/test_Clustering.nwb',
  'dandi-nwb_test_data-v2.0.1/test_ElectricalSeries.nwb',
  'dandi-nwb_test_data-v2.0.1/test_LFP.nwb',
  'matnwb-2018/ecephys_tutorial_0bab88c.nwb',
  'nwb-guide-neuroconv-spikeglx/sub-001_ses-1.nwb',
  'pynwb-back_compat/1.0.2_nwbfile.nwb',
  'pynwb-back_compat/1.0.3_nwbfile.nwb',
  'pynwb-back_compat/1.1.2_nwbfile.nwb',
  'pynwb-back_compat/1.5.1_timeseries_no_unit.nwb',
  'pynwb-back_compat/2.1.0_nwbfile_with_extension.nwb',
]
// A Units table (neurodata_type Units) whose colnames are foo, my_bool: no spike times.
const UNITS_WITHOUT_SPIKES = 'dandi-nwb_test_data-v2.0.1/test_DynamicTable.nwb'
// nwb_version is a root dataset "1.0.6".
const NWB1 = 'nwb1-matnwb-testdata/20080606_R1.nwb'

describe('real NWB files', () => {
  if (!present) {
    if (IN_CI) it('realdata/nwb is present', () => expect(present, `${ROOT} is missing`).toBe(true))
    else it.skip(`realdata not found at ${ROOT}`, () => {})
    return
  }

  it('covers every .nwb file in realdata/nwb', () => {
    const all: string[] = []
    for (const dir of readdirSync(ROOT, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue
      for (const f of readdirSync(realdata('nwb', dir.name))) if (f.endsWith('.nwb')) all.push(`${dir.name}/${f}`)
    }
    const known = [...WITH_UNITS.map((u) => u.file), ...WITHOUT_UNITS, UNITS_WITHOUT_SPIKES, NWB1]
    expect(all.sort()).toEqual(known.sort())
  })

  for (const u of WITH_UNITS) {
    it(`loads ${u.file}`, async () => {
      const sd = await load(u.file)
      expect(sd.N).toBe(u.ids.length)
      expect(ids(sd)).toEqual(u.ids)
      expect(counts(sd)).toEqual(u.counts)
      expect(sd.metadata.unit_count).toBe(u.ids.length)
    })
  }

  it('detects every NWB 2.x file with confidence 100', async () => {
    for (const rel of [...WITH_UNITS.map((u) => u.file), ...WITHOUT_UNITS, UNITS_WITHOUT_SPIKES, NWB1]) {
      const source = await fileSource(realdata('nwb', rel))
      try {
        const match = await nwbLoader.detect(await probeSource(source))
        expect(match.confidence, rel).toBe(100)
      } finally {
        await source.close()
      }
    }
  })

  it('resolves DynamicTableRegion electrodes to the row id, x/y/z, location text and group (dandi 000009)', async () => {
    const sd = await load(WITH_UNITS[0].file)
    // units/electrodes = [2, 15, 25, 30] (row indices); electrodes/id = 0..31, row 2: x 1.20611, y -4.33037, z -1.57826, group_name ADunit_32.
    const a = sd.neuronAttributes![0]
    expect(a.electrode).toBe(2)
    expect(a.location).toEqual([1.20611, -4.33037, -1.57826])
    expect(a.group_name).toBe('ADunit_32')
    expect(String(a.location_label)).toMatch(/^brain_region: Thalamus/)
    expect(sd.neuronAttributes!.map((x) => x.electrode)).toEqual([2, 15, 25, 30])
    // Scalar columns are copied; waveform_mean (4 x 29) is not unless asked for.
    expect(sd.neuronAttributes!.map((x) => x.cell_type)).toEqual(['Cannot be determined', 'Narrow width spiking', 'Narrow width spiking', 'Narrow width spiking'])
    expect(sd.neuronAttributes!.map((x) => x.sampling_rate)).toEqual([25000, 25000, 25000, 25000])
    expect(a.waveform_mean).toBeUndefined()
    // First spike of unit 0 (h5py: 1498.9235985800588 s); the length is last spike + one float step.
    expect(sd.train(0)[0]).toBe(1498.9235985800588 * 1e3)
    expect(sd.lengthMs).toBeGreaterThan(5203.948924529297 * 1e3)
    const wave = await load(WITH_UNITS[0].file, { columns: ['waveform_mean'] })
    expect((wave.neuronAttributes![0].waveform_mean as unknown[]).length).toBe(29)
    // Subject (general/subject) and session text.
    expect(sd.metadata).toMatchObject({ identifier: 'anm00239123_2017-06-27_09-35-49', session_start_time: '2017-06-27T09:35:49-05:00', subject_id: 'anm00239123', species: 'Mus musculus', sex: 'M', nwb_version: '2.1.0', device_names: ['ADunit', 'laser'] })
  })

  it('reads the MatNWB 2018 region-reference index (e7401f8)', async () => {
    const sd = await load(WITH_UNITS[2].file)
    // h5dump -R: regions (0)-(3), (4)-(7), (8)-(9) of spike_times = [0.1 0.21 0.5 0.61 | 0.34 0.36 0.66 0.69 | 0.4 0.43] s.
    expect(Array.from(sd.train(0))).toEqual([0.1 * 1e3, 0.21 * 1e3, 0.5 * 1e3, 0.61 * 1e3])
    expect(Array.from(sd.train(2))).toEqual([0.4 * 1e3, 0.43 * 1e3])
    // session_start_time is the basic form '20180301T120000'; identifier a 1-element fixed-length array.
    expect(sd.metadata).toMatchObject({ session_start_time: '2018-03-01T12:00:00', identifier: 'mouse004_day4', nwb_version: '2.0b' })
  })

  it('resolves a DynamicTableRegion without electrodes_index, one row per unit (Rutishauser, MatNWB)', async () => {
    const sd = await load(WITH_UNITS[3].file)
    // units/electrodes[0] = 10; electrodes row 10: id 10, x 26.63, y -15.83, z -16.49, location hippocampus_right, group_name micros.
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 10, location: [26.63, -15.83, -16.49], location_label: 'hippocampus_right', group_name: 'micros' })
    expect(sd.totalSpikes).toBe(214278)
    // session_start_time '1900-01-01T00:00:00.000000-08:00'; subject age P49Y, species Homo sapiens.
    expect(sd.metadata).toMatchObject({ session_start_time: '1900-01-01T00:00:00-08:00', identifier: 'TWH103_CBID4', age: 'P49Y', species: 'Homo sapiens', sex: 'M', subject_id: '4' })
    expect(Object.keys(sd.metadata.electrodes_by_channel as object)).toHaveLength(19)
  })

  it('finds a Units table outside /units and copies reference and text columns (pynapple, test_Units)', async () => {
    const ph = await load(WITH_UNITS[4].file)
    // units/electrode_group: object references to /general/extracellular_ephys/group0_psb; units/location: empty strings.
    expect(ph.neuronAttributes!.map((a) => a.electrode_group)).toEqual(['group0_psb', 'group0_psb', 'group0_psb'])
    expect(ph.neuronAttributes![0].nwb_location).toBe('')
    expect(ph.neuronAttributes![0].location).toBeUndefined()
    // Empty subject/session fields are left out, as SpikeLab's pynwb path does.
    expect(ph.metadata.subject_id).toBeUndefined()
    expect(ph.metadata.session_description).toBeUndefined()
    const tu = await load(WITH_UNITS[1].file)
    // acquisition/UnitsTest/spike_times = [0 1 2 3 4 5] s with index [3 6].
    expect(tu.trains.map((t) => Array.from(t))).toEqual([
      [0, 1000, 2000],
      [3000, 4000, 5000],
    ])
  })

  it('keeps the rows of a ragged 2-D column: obs_intervals of test_Units are [start, stop] pairs per unit', async () => {
    // h5py: obs_intervals = [[0, 1], [2, 3], [2, 5], [6, 7]] (4 x 2), obs_intervals_index = [2, 4].
    const tu = await load(WITH_UNITS[1].file, { columns: ['obs_intervals'] })
    expect(tu.neuronAttributes!.map((a) => a.obs_intervals)).toEqual([
      [[0, 1], [2, 3]],
      [[2, 5], [6, 7]],
    ])
  })

  for (const rel of WITHOUT_UNITS) {
    it(`gives the no-units error for ${rel}, and loads its metadata with allowNoUnits`, async () => {
      const error = await failure(rel)
      expect(error.code).toBe('SPIKES_MISSING_ENTRY')
      expect(error.entry).toBe('/units')
      const sd = await load(rel, { allowNoUnits: true })
      expect(sd.N).toBe(0)
      expect(sd.metadata.format).toBe('NWB')
      expect(typeof sd.metadata.nwb_version).toBe('string')
    })
  }

  it('reads the acquisition timing, devices and electrodes of a NeuroConv file', async () => {
    const sd = await load('nwb-guide-neuroconv-spikeglx/sub-001_ses-1.nwb', { allowNoUnits: true })
    // acquisition/ElectricalSeriesLF: data (13163, 384), starting_time@rate 2500; subject 001 / Mus musculus / U / P30D.
    expect(sd.metadata).toMatchObject({
      identifier: '08d18e66-c845-4cfd-ada1-a2c5724cb660',
      session_description: 'Auto-generated by neuroconv',
      session_start_time: '2020-11-03T10:35:10-08:00',
      subject_id: '001',
      species: 'Mus musculus',
      sex: 'U',
      age: 'P30D',
      device_names: ['Neuropixel-Imec'],
      sampling_rate_hz: 2500,
      duration_seconds: 13163 / 2500,
      nwb_version: '2.6.0',
    })
    const byChannel = sd.metadata.electrodes_by_channel as Record<string, Record<string, unknown>>
    expect(Object.keys(byChannel)).toHaveLength(384)
    expect(byChannel['0']).toEqual({ location: 'unknown', group_name: 's0' })
    expect(sd.metadata.unit_count).toBeUndefined()
  })

  it('reports a Units table without spike times clearly (test_DynamicTable)', async () => {
    const error = await failure(UNITS_WITHOUT_SPIKES)
    expect(error.code).toBe('SPIKES_MISSING_ENTRY')
    expect(error.entry).toBe('/units/spike_times')
    const sd = await load(UNITS_WITHOUT_SPIKES, { allowNoUnits: true })
    expect(sd.N).toBe(0)
    expect(sd.metadata.unit_count).toBe(2)
  })

  it('unitsTable naming a group that is no Units table is refused as such, not answered with allowNoUnits', async () => {
    const pynapple = WITH_UNITS[4].file
    const error = await failure(pynapple, { unitsTable: '/general' })
    expect(error).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'unitsTable', received: '/general' })
    expect(error.message).toMatch(/\/units/)
    expect(error.message).not.toMatch(/allowNoUnits/)
    // A group typed Units without spike times keeps its own error and allowNoUnits still loads its metadata.
    expect(await failure(UNITS_WITHOUT_SPIKES, { unitsTable: '/units' })).toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: '/units/spike_times' })
    expect((await load(UNITS_WITHOUT_SPIKES, { unitsTable: 'units', allowNoUnits: true })).N).toBe(0)
  })

  it('refuses NWB 1.x with SPIKES_UNSUPPORTED', async () => {
    const error = await failure(NWB1)
    expect(error.code).toBe('SPIKES_UNSUPPORTED')
    expect(error.nwbVersion).toBe('1.0.6')
  })
})

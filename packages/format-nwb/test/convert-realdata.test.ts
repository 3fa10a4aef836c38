// NWB → NWB on a real file (MatNWB via pynapple, the case of issue 19): what the source holds survives.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { withHdf5 } from '@spikes/hdf5'
import { realdata, sharedAvailable } from '@spikes/testing'
import { convertToNwb, registerNwb } from '../src/index.js'

const SOURCE = realdata('nwb', 'matnwb-rutishauser-via-pynapple', 'sub-4_ses-4_ecephys+image.nwb')
const MATNWB_2018 = realdata('nwb', 'matnwb-2018', 'ecephys_tutorial_e7401f8.nwb')
const c = container.createChildContainer()
registerNwb(c)
const dir = mkdtempSync(join(tmpdir(), 'spikes-nwb-convert-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.runIf(sharedAvailable(SOURCE))('NWB → NWB keeps what the source holds', () => {
  it('keeps subject, lab, session start, intervals, the electrodes table with its extra columns, units and spikes', async () => {
    const out = join(dir, 'converted.nwb')
    const result = await convertToNwb(SOURCE, out, { format: 'nwb', container: c })
    expect(result.N).toBe(35)
    const [a, b] = await Promise.all([loadSpikeData(SOURCE, { format: 'nwb', container: c }), loadSpikeData(out, { format: 'nwb', container: c })])
    expect(Array.from(b.times)).toEqual(Array.from(a.times))
    expect(b.neuronAttributes).toEqual(a.neuronAttributes)
    for (const key of ['identifier', 'session_description', 'session_start_time', 'lab', 'experiment_description', 'session_id', 'subject_id', 'species', 'sex', 'age', 'electrodes_by_channel', 'electrode_columns', 'intervals']) {
      expect(b.metadata[key], key).toEqual(a.metadata[key])
    }
    expect(Object.keys(a.metadata.intervals as object).sort()).toEqual(['encoding_table', 'recognition_table', 'timediscrimination_table'])
    await withHdf5(out, (f) => {
      // Written as standard NWB, not only as the JSON copy.
      expect(f.dataset('/general/lab').readStrings()).toEqual(['Rutishauser'])
      expect(f.dataset('/general/subject/age').readStrings()).toEqual(['P49Y'])
      expect(f.dataset('/session_start_time').readStrings()[0]).toBe(a.metadata.session_start_time)
      expect(f.dataset('/general/extracellular_ephys/electrodes/id').size).toBe(19)
      expect(f.attrs('/general/extracellular_ephys/electrodes').colnames).toEqual(expect.arrayContaining(['x', 'y', 'z', 'location', 'group', 'group_name', 'imp', 'filtering', 'origChannel']))
      expect(f.attrs('/intervals/encoding_table')).toMatchObject({ neurodata_type: 'TimeIntervals' })
      expect(f.dataset('/intervals/encoding_table/start_time').size).toBe(((a.metadata.intervals as Record<string, { columns: { start_time: unknown[] } }>).encoding_table.columns.start_time).length)
    })
  })
})

describe.runIf(sharedAvailable(MATNWB_2018))('NWB → NWB from a MatNWB 2018 file', () => {
  it('writes its zone-less session start (20180301T120000) as UTC with a warning, so pynwb can read the export', async () => {
    const out = join(dir, 'matnwb-2018.nwb')
    const result = await convertToNwb(MATNWB_2018, out, { format: 'nwb', container: c })
    expect(result.N).toBe(3)
    expect(result.warnings.map((w) => w.code)).toContain('SPIKES_WARN_NWB_DATETIME_ASSUMED_UTC')
    await withHdf5(out, (f) => {
      expect(f.dataset('/session_start_time').readStrings()).toEqual(['2018-03-01T12:00:00+00:00'])
      expect(f.dataset('/timestamps_reference_time').readStrings()).toEqual(['2018-03-01T12:00:00+00:00'])
      expect(f.dataset('/identifier').readStrings()).toEqual(['mouse004_day4'])
    })
    const back = await loadSpikeData(out, { format: 'nwb', container: c })
    expect(back.metadata.session_start_time).toBe('2018-03-01T12:00:00+00:00')
  })

  it("keeps each electrode group's own device (MatNWB 2018 wrote no object_id; the groups were linked to a new 'probe')", async () => {
    const source = await loadSpikeData(MATNWB_2018, { format: 'nwb', container: c })
    expect(source.metadata.electrode_groups).toEqual({ a: { description: 'a test ElectrodeGroup', location: 'unknown', device: 'a' }, b: { description: 'a test ElectrodeGroup', location: 'unknown', device: 'b' } })
    const out = join(dir, 'matnwb-2018-devices.nwb')
    await convertToNwb(MATNWB_2018, out, { format: 'nwb', container: c })
    await withHdf5(out, (f) => {
      expect(f.list('/general/devices').sort()).toEqual(['a', 'b'])
      for (const g of ['a', 'b']) expect(f.attr(`/general/devices/${g}`, 'object_id')).toBe(f.attr(`/general/extracellular_ephys/${g}/device`, 'object_id'))
    })
  })
})

const PYNAPPLE = realdata('nwb', 'pynapple-phy', 'A8604-211122.nwb')
describe.runIf(sharedAvailable(PYNAPPLE))('NWB → NWB from pynapple (Units with a location column)', () => {
  it('writes the Units location column under its own name again (loaded as nwb_location), and the ragged epochs tags', async () => {
    const out = join(dir, 'pynapple.nwb')
    await convertToNwb(PYNAPPLE, out, { format: 'nwb', container: c })
    await withHdf5(out, (f) => {
      expect(f.attrs('/units').colnames).toEqual(expect.arrayContaining(['spike_times', 'location', 'group']))
      expect(f.attrs('/units').colnames).not.toContain('nwb_location')
      expect(f.dataset('/units/location').readStrings()).toEqual(['', '', ''])
      expect(Array.from(f.dataset('/units/id').readNumeric())).toEqual([6, 191, 206])
      expect(f.attrs('/intervals/epochs').colnames).toEqual(['start_time', 'stop_time', 'tags'])
      expect(f.dataset('/intervals/epochs/tags').readStrings()).toEqual(['wake'])
      expect(f.dataset('/intervals/epochs/tags_index').dtype.numpy.replace(/^[<>|=]/, '')).toBe('u1')
      expect(f.attrs('/intervals/epochs/tags_index')).toMatchObject({ neurodata_type: 'VectorIndex', namespace: 'hdmf-common' })
    })
    const back = await loadSpikeData(out, { format: 'nwb', container: c })
    expect(back.neuronAttributes!.map((a) => a.nwb_location)).toEqual(['', '', ''])
    const source = await loadSpikeData(PYNAPPLE, { format: 'nwb', container: c })
    expect((source.metadata.intervals as Record<string, { columns: Record<string, unknown[]> }>).epochs.columns.tags).toEqual([['wake']])
    expect(back.metadata.intervals).toEqual(source.metadata.intervals)
  })

  it("writes the Units electrode_group column (references to the ElectrodeGroup), not only the JSON copy", async () => {
    const out = join(dir, 'pynapple-groups.nwb')
    const result = await convertToNwb(PYNAPPLE, out, { format: 'nwb', container: c })
    const unrepresented = result.warnings.find((w) => w.code === 'SPIKES_WARN_NWB_EXPORT_NOT_REPRESENTED')
    expect((unrepresented?.details as { neuronAttributes?: string[] } | undefined)?.neuronAttributes ?? []).not.toContain('electrode_group')
    await withHdf5(out, (f) => {
      expect(f.attrs('/units').colnames).toContain('electrode_group')
      expect(f.dataset('/units/electrode_group').readReferences().map((r) => f.resolveReference(r).path)).toEqual(Array(3).fill('/general/extracellular_ephys/group0_psb'))
    })
    const back = await loadSpikeData(out, { format: 'nwb', container: c, options: { hdf5Reader: 'h5wasm' } })
    expect(back.neuronAttributes!.map((a) => a.electrode_group)).toEqual(['group0_psb', 'group0_psb', 'group0_psb'])
  })
})

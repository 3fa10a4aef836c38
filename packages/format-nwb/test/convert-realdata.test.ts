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

// What makes an exported file valid NWB 2.x (checked here without Python; the pynwb validator was run on
// the same files during development, see the README): index types as pynwb writes them, the cached schema
// under /specifications, nothing non-standard at the root, a session start from the data or the caller.
import { linkSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { container, loadSpikeData, SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { withHdf5, type Hdf5File } from '@spikes/hdf5'
import { convertToNwb, exportNwb, registerNwb, type ExportWarning } from '../src/index.js'

const c = container.createChildContainer()
registerNwb(c)
const dir = mkdtempSync(join(tmpdir(), 'spikes-nwb-valid-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ROOT_ATTRIBUTES = ['.specloc', 'namespace', 'neurodata_type', 'nwb_version', 'object_id']
const START = '2024-01-02T03:04:05+00:00'

function data(spikesPerUnit: number[], extra: Record<string, unknown> = {}): SpikeData {
  const trains = spikesPerUnit.map((n, u) => Array.from({ length: n }, (_, i) => u + i * 0.5))
  const neuronAttributes = trains.map((_, i) => ({ unit_id: i, electrode: i % 2, location: [i, 2 * i], quality: i % 2 ? 'good' : 'mua' }))
  return SpikeData.fromTrains(trains, { neuronAttributes, metadata: { session_start_time: START, ...extra } })
}

function dtypeOf(f: Hdf5File, path: string): string {
  return f.dataset(path).dtype.numpy.replace(/^[<>|=]/, '')
}

describe('exported NWB is valid NWB 2.x', () => {
  it('writes only the standard root attributes, the cached core and hdmf-common namespaces, and .specloc', async () => {
    const path = join(dir, 'root.nwb')
    await exportNwb(data([3, 2]), path)
    await withHdf5(path, (f) => {
      expect(Object.keys(f.attrs('/')).sort()).toEqual(ROOT_ATTRIBUTES)
      expect(f.attrs('/')).toMatchObject({ namespace: 'core', neurodata_type: 'NWBFile', nwb_version: '2.6.0' })
      expect(f.resolveReference(f.attr('/', '.specloc') as never).path).toBe('/specifications')
      expect(f.list('/specifications').sort()).toEqual(['core', 'hdmf-common', 'hdmf-experimental'])
      expect(f.list('/specifications/hdmf-common')).toEqual(['1.5.1'])
      const [coreVersion] = f.list('/specifications/core')
      expect(coreVersion).toMatch(/^2\.6\.0/)
      expect(f.list(`/specifications/core/${coreVersion}`)).toEqual(expect.arrayContaining(['namespace', 'nwb.base', 'nwb.ecephys', 'nwb.file', 'nwb.misc']))
      const ns = JSON.parse(f.dataset(`/specifications/core/${coreVersion}/namespace`).readStrings()[0])
      expect(ns.namespaces[0]).toMatchObject({ name: 'core', version: coreVersion })
      const table = JSON.parse(f.dataset('/specifications/hdmf-common/1.5.1/table').readStrings()[0])
      expect(table.datasets.map((d: { data_type_def: string }) => d.data_type_def)).toEqual(expect.arrayContaining(['VectorData', 'VectorIndex', 'ElementIdentifiers', 'DynamicTableRegion']))
      expect(Object.keys(f.attrs('/units')).sort()).toEqual(['colnames', 'description', 'namespace', 'neurodata_type', 'object_id'])
      expect(f.attrs('/scratch/spikes_spikedata')).toMatchObject({ neurodata_type: 'ScratchData', namespace: 'core' })
    })
  })

  it('writes indices in the smallest unsigned type that fits, regions as int32 and ids as int64', async () => {
    const small = join(dir, 'small.nwb')
    const large = join(dir, 'large.nwb')
    await exportNwb(data([3, 2, 0]), small)
    await exportNwb(data([200, 100]), large)
    await withHdf5(small, (f) => {
      expect(dtypeOf(f, '/units/spike_times_index')).toBe('u1')
      expect(dtypeOf(f, '/units/electrodes_index')).toBe('u1')
      expect(dtypeOf(f, '/units/electrodes')).toBe('i4')
      expect(dtypeOf(f, '/units/id')).toBe('i8')
      expect(dtypeOf(f, '/general/extracellular_ephys/electrodes/id')).toBe('i8')
      expect(Array.from(f.dataset('/units/spike_times_index').readNumeric())).toEqual([3, 5, 5])
    })
    await withHdf5(large, (f) => {
      expect(dtypeOf(f, '/units/spike_times_index')).toBe('u2')
      expect(Array.from(f.dataset('/units/spike_times_index').readNumeric())).toEqual([200, 300])
    })
  })

  it('takes session_start_time from the data or the caller; without either it warns and names the option', async () => {
    const warnings: ExportWarning[] = []
    const sd = SpikeData.fromTrains([[1, 2]], { lengthMs: 5 })
    const bytes = await exportNwb(sd, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_SESSION_START_MISSING'])
    expect(warnings[0].message).toContain('--session-start')
    await withHdf5(bytes, (f) => expect(f.dataset('/session_start_time').readStrings()[0]).toBe(warnings[0].details!.written))
    const given = await exportNwb(sd, undefined, { sessionStartTime: '2020-05-06T07:08:09-05:00', onWarning: (w) => warnings.push(w) })
    expect(warnings).toHaveLength(1)
    await withHdf5(given, (f) => {
      expect(f.dataset('/session_start_time').readStrings()[0]).toBe('2020-05-06T07:08:09-05:00')
      expect(f.dataset('/timestamps_reference_time').readStrings()[0]).toBe('2020-05-06T07:08:09-05:00')
    })
    await expect(exportNwb(sd, undefined, { sessionStartTime: '  ' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'sessionStartTime' })
    await expect(exportNwb(sd, undefined, { sessionStartTime: new Date(NaN) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
  })

  it('names the session start it replaces when the caller gives another than the data has', async () => {
    const warnings: ExportWarning[] = []
    const sd = SpikeData.fromTrains([[1, 2]], { lengthMs: 5, metadata: { session_start_time: '2017-06-27T09:35:49-05:00' } })
    const bytes = await exportNwb(sd, undefined, { sessionStartTime: '2024-01-01T00:00:00Z', onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_SESSION_START_REPLACED'])
    expect(warnings[0].details).toEqual({ found: '2017-06-27T09:35:49-05:00', written: '2024-01-01T00:00:00+00:00' })
    await withHdf5(bytes, (f) => expect(f.dataset('/session_start_time').readStrings()[0]).toBe('2024-01-01T00:00:00+00:00'))
    // The same instant as the data's own (another spelling) is no replacement.
    warnings.length = 0
    await exportNwb(sd, undefined, { sessionStartTime: '2017-06-27T14:35:49Z', onWarning: (w) => warnings.push(w) })
    expect(warnings).toEqual([])
  })

  it('gives every isodatetime a time zone (pynwb refuses to read one without), warning when UTC is assumed', async () => {
    const warnings: ExportWarning[] = []
    // MatNWB 2018 wrote session_start_time as '20180301T120000' (basic form, no offset): pynwb could not read the export.
    const sd = SpikeData.fromTrains([[1, 2]], { lengthMs: 5, metadata: { session_start_time: '20180301T120000', date_of_birth: '2017-12-01' } })
    const bytes = await exportNwb(sd, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => [w.code, w.details?.field])).toEqual([
      ['SPIKES_WARN_NWB_DATETIME_ASSUMED_UTC', 'session_start_time'],
      ['SPIKES_WARN_NWB_DATETIME_ASSUMED_UTC', 'date_of_birth'],
    ])
    await withHdf5(bytes, (f) => {
      expect(f.dataset('/session_start_time').readStrings()[0]).toBe('2018-03-01T12:00:00+00:00')
      expect(f.dataset('/timestamps_reference_time').readStrings()[0]).toBe('2018-03-01T12:00:00+00:00')
      expect(f.dataset('/general/subject/date_of_birth').readStrings()[0]).toBe('2017-12-01T00:00:00+00:00')
    })
    warnings.length = 0
    const unreadable = SpikeData.fromTrains([[1]], { lengthMs: 5, metadata: { session_start_time: 'Tue Jul 10 2012', date_of_birth: 'spring' } })
    const second = await exportNwb(unreadable, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_SESSION_START_MISSING', 'SPIKES_WARN_NWB_EXPORT_NOT_REPRESENTED'])
    expect(warnings[0].message).toContain("'Tue Jul 10 2012' is not an ISO 8601 date and time")
    await withHdf5(second, (f) => {
      expect(f.dataset('/session_start_time').readStrings()[0]).toBe(warnings[0].details!.written)
      expect(f.list('/general')).not.toContain('subject')
    })
    await expect(exportNwb(sd, undefined, { sessionStartTime: 'yesterday' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'sessionStartTime' })
    await expect(exportNwb(sd, undefined, { sessionStartTime: '2024-02-30T00:00:00Z' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    await expect(exportNwb(sd, undefined, { fileCreateDate: 'now' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fileCreateDate' })
  })

  it('writes general fields, subject, trials and list attributes as standard NWB, and names what has no place in one warning', async () => {
    const warnings: ExportWarning[] = []
    const sd = SpikeData.fromTrains([[1, 2], [3]], {
      lengthMs: 10,
      neuronAttributes: [{ unit_id: 4, amplitudes: [1, 2.5], tags: ['a', 'b'], nested: { x: 1 }, is_good: true }, { unit_id: 9, amplitudes: [3], tags: [], is_good: false }],
      metadata: { session_start_time: START, lab: 'Lab', institution: 'Inst', experimenter: ['Doe, J.'], subject_id: 'm7', species: 'Mus musculus', sex: 'F', subject_genotype: 'wt', trial_start_times: [0, 5], trial_end_times: [4, 9], choice: [1, -1], sorter: 'ks4', eid: 'e1' },
      rawData: { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] },
      rawTimeMs: Float64Array.of(0, 1),
    })
    const bytes = await exportNwb(sd, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_EXPORT_NOT_REPRESENTED'])
    expect(warnings[0].details).toEqual({ neuronAttributes: ['nested'], metadata: ['sorter', 'eid'], intervals: [], rawData: true })
    await withHdf5(bytes, (f) => {
      expect(f.dataset('/general/lab').readStrings()).toEqual(['Lab'])
      expect(f.dataset('/general/institution').readStrings()).toEqual(['Inst'])
      expect(f.dataset('/general/experimenter').readStrings()).toEqual(['Doe, J.'])
      expect(f.attrs('/general/subject')).toMatchObject({ neurodata_type: 'Subject' })
      expect(f.dataset('/general/subject/genotype').readStrings()).toEqual(['wt'])
      expect(f.attrs('/intervals/trials')).toMatchObject({ neurodata_type: 'TimeIntervals', colnames: ['start_time', 'stop_time', 'choice'] })
      expect(Array.from(f.dataset('/intervals/trials/stop_time').readNumeric())).toEqual([0.004, 0.009])
      expect(Array.from(f.dataset('/units/amplitudes').readNumeric())).toEqual([1, 2.5, 3])
      expect(Array.from(f.dataset('/units/amplitudes_index').readNumeric())).toEqual([2, 3])
      expect(f.dataset('/units/tags').readStrings()).toEqual(['a', 'b'])
      expect(Array.from(f.dataset('/units/is_good').readNumeric())).toEqual([1, 0])
      expect(f.kind('/acquisition/ElectricalSeries')).toBe(null)
    })
    const back = await loadSpikeData(bytes, { format: 'nwb', container: c })
    expect(back.metadata).toMatchObject({ lab: 'Lab', institution: 'Inst', experimenter: ['Doe, J.'], subject_genotype: 'wt', sorter: 'ks4', intervals: { trials: { columns: { start_time: [0, 0.005], choice: [1, -1] } } } })
    expect(back.neuronAttributes).toEqual(sd.neuronAttributes)
  })

  it('writes raw traces as an ElectricalSeries when asked (samples × channels, one electrode row per channel)', async () => {
    const sd = SpikeData.fromTrains([[0.5]], { lengthMs: 3, neuronAttributes: [{ unit_id: 0, electrode: 1 }], metadata: { session_start_time: START }, rawData: { data: Int16Array.of(1, 2, 3, 10, 20, 30), shape: [2, 3] }, rawTimeMs: Float64Array.of(0, 1, 2) })
    const bytes = await exportNwb(sd, undefined, { rawTraces: true })
    await withHdf5(bytes, (f) => {
      expect(f.attrs('/acquisition/ElectricalSeries')).toMatchObject({ neurodata_type: 'ElectricalSeries' })
      const d = f.dataset('/acquisition/ElectricalSeries/data')
      expect(d.shape).toEqual([3, 2])
      expect(dtypeOf(f, '/acquisition/ElectricalSeries/data')).toBe('i2')
      expect(Array.from(d.readNumeric())).toEqual([1, 10, 2, 20, 3, 30])
      expect(Array.from(f.dataset('/acquisition/ElectricalSeries/timestamps').readNumeric())).toEqual([0, 0.001, 0.002])
      // Unit electrode 1 is channel 1's row: the table has rows for electrodes 1 and 0.
      expect(Array.from(f.dataset('/general/extracellular_ephys/electrodes/id').readNumeric())).toEqual([1, 0])
      expect(Array.from(f.dataset('/acquisition/ElectricalSeries/electrodes').readNumeric())).toEqual([1, 0])
    })
  })

  it('says so when raw traces are asked for but the data carries none (convert --raw-traces wrote nothing, silently)', async () => {
    const warnings: ExportWarning[] = []
    const sd = SpikeData.fromTrains([[0.5]], { lengthMs: 3, metadata: { session_start_time: START } })
    const bytes = await exportNwb(sd, undefined, { rawTraces: true, onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_NO_RAW_TRACES'])
    await withHdf5(bytes, (f) => expect(f.list('/acquisition')).toEqual([]))
    warnings.length = 0
    await exportNwb(sd, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings).toEqual([])
  })
})

describe('no output path destroys data', () => {
  it('exportNwb refuses an existing file unless overwrite, and an input given through a link', async () => {
    const path = join(dir, 'kept.nwb')
    writeFileSync(path, 'precious')
    await expect(exportNwb(data([1]), path)).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_EXISTS', path })
    expect(readFileSync(path, 'utf8')).toBe('precious')
    const link = join(dir, 'kept-link.nwb')
    symlinkSync(path, link)
    await expect(exportNwb(data([1]), link, { overwrite: true, inputs: [path] })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_IS_INPUT' })
    expect(readFileSync(path, 'utf8')).toBe('precious')
    await exportNwb(data([1]), path, { overwrite: true })
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('HDF')
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([])
  })

  it('convertToNwb refuses to write over its input (same path, symbolic link, hard link) even with overwrite', async () => {
    const input = join(dir, 'input.nwb')
    await exportNwb(data([4, 2]), input)
    const before = readFileSync(input)
    const hard = join(dir, 'input-hard.nwb')
    linkSync(input, hard)
    const soft = join(dir, 'input-soft.nwb')
    symlinkSync(input, soft)
    for (const out of [input, hard, soft]) {
      await expect(convertToNwb(input, out, { format: 'nwb', container: c }, { overwrite: true })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_IS_INPUT' })
    }
    expect(readFileSync(input).equals(before)).toBe(true)
    const other = join(dir, 'other.nwb')
    await convertToNwb(input, other, { format: 'nwb', container: c })
    await expect(convertToNwb(input, other, { format: 'nwb', container: c })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_EXISTS' })
    await expect(convertToNwb(input, other, { format: 'nwb', container: c }, { overwrite: true })).resolves.toMatchObject({ N: 2 })
  })
})

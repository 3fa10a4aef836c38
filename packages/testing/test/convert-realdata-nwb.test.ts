// Issue 19's "done when", asserted without Python: a real KiloSort 4 folder, a real ALF folder and the
// bundled sample converted to NWB carry only the standard root attributes, the cached namespaces, indices
// in the smallest unsigned type, a session start with a time zone, the same unit ids and spike times, and
// (KiloSort 4) electrode positions within 50 µm of each unit's median spike position. The same files pass
// the pynwb 2.3.1 validator with 0 errors (../shared/tools/validate_nwb.sh; figures in format-nwb's README).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { container, loadSpikeData, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { withHdf5, type Hdf5File } from '@spikes/hdf5'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { convertToNwb, registerNwb } from '@spikes/format-nwb'
import { realdata, sharedAvailable } from '../src/paths.js'

const c = container.createChildContainer()
registerKilosort(c)
registerIbl(c)
registerNwb(c)
const dir = mkdtempSync(join(tmpdir(), 'spikes-convert-real-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ROOT_ATTRIBUTES = ['.specloc', 'namespace', 'neurodata_type', 'nwb_version', 'object_id']
const ELECTRODES = '/general/extracellular_ephys/electrodes'

const KS4 = realdata('kilosort_phy', 'mayolabvision-kilosort4')
const ALF = realdata('ibl_alf', 'brainbox-alf')
const SAMPLE = resolve(import.meta.dirname, '..', '..', 'cli', 'samples', 'sample.nwb')

function smallestUnsigned(max: number): string {
  return max < 2 ** 8 ? 'u1' : max < 2 ** 16 ? 'u2' : max < 2 ** 32 ? 'u4' : 'u8'
}

const dtype = (f: Hdf5File, path: string) => f.dataset(path).dtype.numpy.replace(/^[<>|=]/, '')

/** Converts `input`, checks the validity facts, and hands back the loaded source and the open file. */
async function convertAndCheck(name: string, input: string, format: string, check: (f: Hdf5File, source: SpikeData) => void, options: Record<string, unknown> = {}): Promise<void> {
  const out = join(dir, `${name}.nwb`)
  await convertToNwb(input, out, { format, container: c, options }, { sessionStartTime: format === 'nwb' ? undefined : '2024-01-02T03:04:05+01:00' })
  const source = await loadSpikeData(input, { format, container: c, options })
  await withHdf5(out, (f) => {
    expect(Object.keys(f.attrs('/')).sort()).toEqual(ROOT_ATTRIBUTES)
    expect(f.list('/specifications').sort()).toEqual(['core', 'hdmf-common', 'hdmf-experimental'])
    expect(f.dataset('/session_start_time').readStrings()[0]).toMatch(/(Z|[+-]\d{2}:\d{2})$/)
    const offsets = Array.from(source.offsets).slice(1)
    expect(dtype(f, '/units/spike_times_index')).toBe(smallestUnsigned(offsets.at(-1) ?? 0))
    expect(Array.from(f.dataset('/units/spike_times_index').readNumeric())).toEqual(offsets)
    const seconds = f.dataset('/units/spike_times').readNumeric() as Float64Array
    expect(seconds.length).toBe(source.times.length)
    expect(seconds.every((s, i) => s * 1e3 === source.times[i] || Math.abs(s * 1e3 - source.times[i]) <= 1e-9 * Math.abs(source.times[i]))).toBe(true)
    expect(Array.from(f.dataset('/units/id').readNumeric())).toEqual(source.neuronAttributes!.map((a) => a.unit_id))
    check(f, source)
  })
}

describe.runIf(sharedAvailable(KS4))('KiloSort 4 (mayolabvision) → NWB', () => {
  it('valid structure, and every unit electrode in the file within 50 µm of its median spike position', async () => {
    await convertAndCheck('ks4', KS4, 'kilosort', (f, source) => {
      expect(dtype(f, '/units/electrodes_index')).toBe('u2')
      expect(dtype(f, '/units/electrodes')).toBe('i4')
      const rows = f.dataset('/units/electrodes').readNumeric()
      const ids = f.dataset(`${ELECTRODES}/id`).readNumeric()
      const [x, y] = ['x', 'y'].map((axis) => f.dataset(`${ELECTRODES}/${axis}`).readNumeric())
      const distances = source.neuronAttributes!.map((a, u) => {
        expect(ids[rows[u]], `unit ${u}`).toBe(a.electrode)
        const [mx, my] = a.median_spike_position as number[]
        return Math.hypot(x[rows[u]] - mx, y[rows[u]] - my)
      })
      expect(distances).toHaveLength(403)
      expect(distances.filter((d) => d <= 50).length).toBe(403)
      expect(ids.length).toBe(383) // every channel of channel_positions, not only those units sit on
      expect(f.attrs('/units').colnames).toEqual(expect.arrayContaining(['electrode_source', 'KSLabel', 'ContamPct', 'Amplitude']))
    })
  }, 60_000)
})

describe.runIf(sharedAvailable(ALF))('ALF (brainbox) → NWB', () => {
  it('valid structure with every cluster id and spike', async () => {
    await convertAndCheck('alf', ALF, 'alf', (f, source) => {
      expect(source.N).toBe(289)
      expect(f.dataset('/units/spike_times').size).toBe(124905)
      // The folder has no clusters.channels: no electrodes table, the cluster ids as a column.
      expect(f.list('/general')).not.toContain('extracellular_ephys')
      expect(Array.from(f.dataset('/units/cluster_id').readNumeric())).toEqual(source.neuronAttributes!.map((a) => a.cluster_id))
    })
  }, 60_000)
})

describe.runIf(sharedAvailable(SAMPLE))('the bundled sample → NWB', () => {
  it('keeps its session start, identifier, electrodes and quality column', async () => {
    await convertAndCheck('sample', SAMPLE, 'nwb', (f, source) => {
      expect(f.dataset('/session_start_time').readStrings()[0]).toBe(source.metadata.session_start_time)
      expect(f.dataset('/identifier').readStrings()[0]).toBe(source.metadata.identifier)
      expect(dtype(f, '/units/electrodes_index')).toBe('u1')
      expect(f.dataset('/units/quality').readStrings()).toEqual(source.neuronAttributes!.map((a) => a.quality))
    })
  }, 60_000)
})

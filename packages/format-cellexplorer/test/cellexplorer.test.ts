import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, LoaderRegistry, loadSpikeData, probeSource, type SpikesError } from '@spikes/core'
import '@spikes/core/node'
import { detectCellexplorer, registerCellexplorer } from '../src/index.js'

const c = container.createChildContainer()
registerCellexplorer(c)
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: SpikesError) => e.code ?? String(e),
  )
}

// Fixtures written by fixtures/make_fixtures.py; the expected values are the ones it writes (seconds × 1000).
describe('cellexplorer', () => {
  it('v7.3 cell_metrics: three units, metrics and text as attributes, general in metadata', async () => {
    const sd = await loadSpikeData(fixture('mini.cell_metrics.cellinfo.mat'), { container: c })
    expect(sd.N).toBe(3)
    expect(sd.spikeCounts()).toEqual([3, 2, 4])
    expect(Array.from(sd.train(0))).toEqual([500, 1250, 2000])
    expect(Array.from(sd.train(1))).toEqual([100, 3750])
    expect(sd.neuronAttributes!.map((a) => [a.unit_id, a.cluster_id, a.brain_region, a.putative_cell_type, a.electrode_group, a.electrode, a.firingRate])).toEqual([
      [1, 10, 'CA1', 'Pyramidal Cell', 1, 3, 1.5],
      [2, 20, 'CA1', 'Narrow Interneuron', 1, 7, null],
      [5, 50, 'DG', 'Wide Interneuron', 2, 12, 0.8],
    ])
    expect(sd.metadata).toMatchObject({ mat_version: '7.3', variable: 'cell_metrics', session_name: 'mini_session', fs_Hz: 30000, general: { basename: 'mini_session', cellCount: 3, sr: 30000 } })
    expect(sd.lengthMs).toBeGreaterThan(4000)
  })

  it('Level 5 spikes struct: times in seconds, an empty train kept, region and shank as attributes', async () => {
    const sd = await loadSpikeData(fixture('mini.spikes.cellinfo.mat'), { container: c })
    expect(sd.spikeCounts()).toEqual([3, 0, 4])
    expect(Array.from(sd.train(2))).toEqual([250, 750, 1500, 4000])
    expect(sd.neuronAttributes!.map((a) => [a.unit_id, a.cluster_id, a.shankID, a.region, a.electrode, a.total])).toEqual([
      [1, 4, 1, 'CA1', 0, 3],
      [2, 8, 2, 'CA3', 17, 0],
      [3, 9, 2, 'DG', 30, 4],
    ])
    expect(sd.neuronAttributes![0]).not.toHaveProperty('ts')
    expect(sd.metadata).toMatchObject({ mat_version: 'Level 5', variable: 'spikes', fs_Hz: 20000, session_name: 'mini_session', numcells: 3 })
  })

  it('empty input: a spikes struct with no cells loads as N = 0', async () => {
    const sd = await loadSpikeData(fixture('empty.spikes.cellinfo.mat'), { container: c })
    expect([sd.N, sd.totalSpikes, sd.lengthMs]).toEqual([0, 0, 0])
    expect(sd.metadata).toMatchObject({ variable: 'spikes', fs_Hz: 20000 })
  })

  it('options: variable names another struct; unknown variables and options are typed errors', async () => {
    const path = fixture('mini.spikes.cellinfo.mat')
    const missing = await loadSpikeData(path, { container: c, options: { variable: 'nothing' } }).catch((e: SpikesError) => e)
    expect(missing).toMatchObject({ code: 'SPIKES_MISSING_ENTRY', details: { entry: 'nothing', nearby: ['spikes'] } })
    expect((missing as Error).message).not.toMatch(/neither/)
    expect(await code(loadSpikeData(path, { container: c, options: { variabel: 'spikes' } }))).toBe('SPIKES_INVALID_ARGUMENT')
    expect(await code(loadSpikeData(path, { container: c, options: { maxBytes: 10 } }))).toBe('SPIKES_INVALID_ARGUMENT')
    expect(await code(loadSpikeData(path, { container: c, options: { maxBytes: 1024 } }))).toBe('SPIKES_LIMIT_EXCEEDED')
    const sd = await loadSpikeData(path, { container: c, options: { variable: 'spikes', max_bytes: 4096 } })
    expect(sd.N).toBe(3)
  })

  it('a MAT-file without the struct, and a truncated one, are typed errors', async () => {
    const bytes = readFileSync(fixture('mini.spikes.cellinfo.mat'))
    expect(await code(loadSpikeData(bytesSource(bytes.subarray(0, 200), 'x.spikes.cellinfo.mat'), { container: c }))).toBe('SPIKES_CORRUPT_FILE')
    const other = readFileSync(fixture('other.mat'))
    expect(await code(loadSpikeData(bytesSource(other, 'other.mat'), { container: c, format: 'cellexplorer' }))).toBe('SPIKES_MISSING_ENTRY')
  })

  it('detection: the names, the first variable, and nothing for other MAT-files', async () => {
    const bytes = readFileSync(fixture('mini.spikes.cellinfo.mat'))
    const confidence = async (b: Uint8Array, name: string) => (await detectCellexplorer(await probeSource(bytesSource(b, name)))).confidence
    expect(await confidence(bytes, 'a.spikes.cellinfo.mat')).toBe(95)
    expect(await confidence(bytes, 'renamed.mat')).toBe(60)
    expect(await confidence(readFileSync(fixture('mini.cell_metrics.cellinfo.mat')), 'renamed.mat')).toBe(80)
    expect(await confidence(new Uint8Array(500), 'a.spikes.cellinfo.mat')).toBe(0)
    expect(c.resolve(LoaderRegistry).list().map((l) => l.id)).toContain('cellexplorer')
  })
})

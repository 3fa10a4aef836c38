// With every plugin installed (as the CLI registers them), each kind of input is detected as its own
// format: a new plugin's detect() must not claim another format's files, nor lose its own.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LoaderRegistry, resolveSource } from '@spikes/core'
import { CORPUS_DIR, IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { pluginContainer } from '../src/plugins.js'

const SI_DATA = fileURLToPath(new URL('../../format-spikeinterface/test/data/', import.meta.url))
const SAMPLE = fileURLToPath(new URL('../samples/sample.nwb', import.meta.url))
const CELLEXPLORER = fileURLToPath(new URL('../../format-cellexplorer/test/fixtures/', import.meta.url))

/** Corpus cases by loader; the threshold cases are plain HDF5 files too, so only `--format` tells them apart. */
const CORPUS_FORMAT: Record<string, string> = { h5: 'hdf5', ks: 'kilosort', nwb: 'nwb', pkl: 'pickle', npz: 'spikelab-npz' }

async function detected(input: string): Promise<string> {
  const c = await pluginContainer({})
  const source = await resolveSource(input, c)
  try {
    return (await c.resolve(LoaderRegistry).select(source)).loader.id
  } finally {
    if (source.type !== 'remote') await source.close()
  }
}

describe('format detection with every plugin installed', () => {
  const present = sharedAvailable(CORPUS_DIR) && sharedAvailable(realdata('kilosort_phy'))
  it.runIf(present || IN_CI)('detects every corpus input as the format of its loader', async () => {
    const seen: Record<string, string[]> = {}
    for (const name of readdirSync(CORPUS_DIR).sort()) {
      const expected = CORPUS_FORMAT[name.split('_')[0]!]
      // An .npz without units.npy carries nothing that says SpikeLab: only --format reaches its error.
      if (!expected || name === 'npz_missing_units_error') continue
      const dir = join(CORPUS_DIR, name)
      const input = readdirSync(dir).filter((f) => f !== 'expected.json')
      const path = join(dir, input.length === 1 ? input[0]! : input.find((f) => !f.includes('.')) ?? input[0]!)
      const got = await detected(path).catch((error: { code?: string }) => `error ${error.code}`)
      ;(seen[`${expected} <- ${got}`] ??= []).push(name)
    }
    const wrong = Object.entries(seen).filter(([k]) => k.split(' <- ')[0] !== k.split(' <- ')[1])
    expect(wrong, JSON.stringify(wrong, null, 1)).toEqual([])
  })

  it.runIf(present || IN_CI)('detects real folders and files written by real tools', async () => {
    const cases: [string, string][] = [
      [realdata('kilosort_phy', 'phy-data-template'), 'kilosort'],
      [realdata('kilosort_phy', 'mayolabvision-kilosort4'), 'kilosort'],
      [realdata('ibl_alf', 'brainbox-alf'), 'alf'],
      [realdata('nwb', 'pynapple-phy', 'A8604-211122.nwb'), 'nwb'],
      [SAMPLE, 'nwb'],
      [realdata('nwb-zarr', 'hdmf-zarr-0.2.0-units', 'units_a.nwb.zarr'), 'nwb'],
      [realdata('plexon', 'neuroexplorer-nex-1', 'File_neuroexplorer_1.nex'), 'plexon'],
      [realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat'), 'cellexplorer'],
      [join(CELLEXPLORER, 'mini.cell_metrics.cellinfo.mat'), 'cellexplorer'],
      [join(CELLEXPLORER, 'mini.spikes.cellinfo.mat'), 'cellexplorer'],
      [realdata('mountainsort', 'mountainlab-mv'), 'mountainsort'],
      [realdata('neuroscope', 'pynapple-A2929-200711'), 'neuroscope'],
      [realdata('openephys', 'binary-0.6.7', 'Record Node 105', 'experiment1', 'recording1'), 'openephys'],
      [realdata('openephys', 'binary-0.6.7', 'Record Node 105'), 'openephys'],
      [realdata('openephys', 'legacy-spikes-0.6.7', 'Record Node 105'), 'openephys'],
    ]
    for (const [input, format] of cases) expect(await detected(input), input).toBe(format)
  })

  it('detects .plx and .nex5 files (written by @spikes/testing) as plexon, whatever their names', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { writeNex5, writePlx } = await import('@spikes/testing')
    const dir = await mkdtemp(join(tmpdir(), 'spikes-detect-'))
    try {
      const plx = writePlx({ frequency: 40000, channels: ['a'], spikes: [{ channel: 1, unit: 1, ticks: 5 }] })
      const nex5 = writeNex5({ frequency: 1000, endTicks: 5, variables: [{ type: 0, name: 'n', ticks: [1] }] })
      for (const [name, bytes] of [['a.plx', plx], ['renamed.bin', plx], ['b.nex5', nex5]] as const) {
        await writeFile(join(dir, name), bytes)
        expect(await detected(join(dir, name)), name).toBe('plexon')
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('detects the SpikeInterface layouts, and nothing else claims them', async () => {
    const layouts = readdirSync(SI_DATA).filter((n) => n.startsWith('si-') && !n.endsWith('.json'))
    expect(layouts.length).toBeGreaterThanOrEqual(7)
    for (const name of layouts) {
      const expected = name.endsWith('.npz') ? 'spikeinterface-npz' : name.startsWith('si-rec') ? 'spikeinterface-recording' : 'spikeinterface'
      expect(await detected(join(SI_DATA, name)), name).toBe(expected)
    }
  })
})

// Detection that helps: a folder holding one recording points to it, one holding several lists them (and
// suggests `spikes scan` when that command exists), known but unsupported formats are named with what to do.
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kilosortFiles, tempFolder } from '@spikes/testing'
import { main, type CommandBuilder } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

const SAMPLE = fileURLToPath(new URL('../samples/sample.nwb', import.meta.url))
let root: Awaited<ReturnType<typeof tempFolder>>

beforeAll(async () => {
  const ks = kilosortFiles([30, 60], [0, 1])
  root = await tempFolder({
    'session/notes.txt': 'hello',
    'sortings/a/spike_times.npy': ks['spike_times.npy'],
    'sortings/a/spike_clusters.npy': ks['spike_clusters.npy'],
    'sortings/b/spike_times.npy': ks['spike_times.npy'],
    'sortings/b/spike_clusters.npy': ks['spike_clusters.npy'],
    'sortings/empty/readme.md': 'nothing',
    'table.csv': 'unit,time_ms\n0,1.5\n',
    'tsv/spikes.tsv': 'unit\ttime\n',
    'neuron.mat': 'MATLAB 5.0 MAT-file',
    'rec.plx': 'PLEX',
    'rec.pl2': 'PL2 data',
    'rec.nev': 'NEURALEV',
    'CSC1.ncs': '####',
  })
  await copyFile(SAMPLE, join(root.path, 'session', 'rec.nwb'))
  await mkdir(join(root.path, 'nothing'))
})
afterAll(() => root.cleanup())

async function inspect(input: string, extra: CommandBuilder[] = []) {
  const t = captureIo()
  const code = await main(['inspect', input, '--json'], t.io, extra)
  return { code, err: t.stderr(), error: JSON.parse(t.stdout()).error as { code: string; message: string } }
}

describe('detection help', () => {
  it('points one file of a folder format to the folder that holds it', async () => {
    const t = captureIo()
    expect(await main(['inspect', join(root.path, 'sortings', 'a', 'spike_times.npy'), '--json'], t.io)).toBe(1)
    const { error } = JSON.parse(t.stdout()) as { error: { code: string; message: string; hints: unknown[] } }
    expect(error.code).toBe('SPIKES_UNKNOWN_FORMAT')
    expect(error.message).toMatch(/^Could not recognise the file 'spike_times\.npy' \(\d+ bytes, starting 93 4e .*\): it is one file of a folder recording \(KiloSort \/ Phy folder\)\./)
    expect(error.hints).toEqual([{ kind: 'input', input: join(root.path, 'sortings', 'a'), why: 'instead: the folder that holds spike_times.npy (kilosort)' }])
    // A file whose folder is no recording either keeps the plain error.
    const plain = captureIo()
    await main(['inspect', join(root.path, 'session', 'notes.txt'), '--json'], plain.io)
    expect(JSON.parse(plain.stdout()).error.message).not.toContain('one file of a folder')
  })

  it('points a folder with one recording inside to it', async () => {
    const r = await inspect(join(root.path, 'session'))
    expect(r.code).toBe(1)
    expect(r.error.code).toBe('SPIKES_UNKNOWN_FORMAT')
    const inside = join(root.path, 'session', 'rec.nwb')
    expect(r.error.message).toBe(`Could not recognise the folder 'session' (files: notes.txt, rec.nwb): it holds a recording but is not one itself. Run 'spikes inspect ${inside}' instead: it is the one recording directly in this folder (nwb).`)
  })

  it('lists the recordings of a folder of several, without (files: none) and the loaders tried, and points to spikes scan', async () => {
    const r = await inspect(join(root.path, 'sortings'))
    expect(r.error.message).toBe(
      `Could not recognise the folder 'sortings' (files: none; folders: a, b, empty): it holds 2 recordings, not one: ${join(root.path, 'sortings', 'a')} (kilosort), ${join(root.path, 'sortings', 'b')} (kilosort). Load one of them by its path. Run 'spikes scan ${join(root.path, 'sortings')}' to list every recording under this folder.`,
    )
  })

  it.each([
    ['table.csv', 'it is a text table; CSV and TSV have no agreed layout for spike trains', 'SpikeData.fromIdcesTimes'],
    ['tsv/spikes.tsv', 'it is a text table', 'spike_clusters.npy'],
    ['rec.pl2', 'it is a Plexon or NeuroExplorer file, and no installed loader reads it', 'PL2 is not read yet'],
    ['rec.nev', 'it is a Blackrock file (or Neuralynx events), which is not supported yet', 'Neo reads Blackrock'],
    ['CSC1.ncs', 'it is a Neuralynx file, which is not supported yet', 'Neo reads Neuralynx'],
  ])('names %s as a known, unsupported format with what to do', async (name, what, advice) => {
    const r = await inspect(join(root.path, name))
    expect(r.error.code).toBe('SPIKES_UNKNOWN_FORMAT')
    expect(r.error.message).toContain(`: ${what}`)
    expect(r.error.message).toContain(advice)
    expect(r.error.message).not.toContain('Tried:')
  })

  it('a .mat file that is not CellExplorer, and a truncated .plx, are the installed loaders\' business', async () => {
    const mat = await inspect(join(root.path, 'neuron.mat'))
    expect(mat.error.code).toBe('SPIKES_UNKNOWN_FORMAT')
    expect(mat.error.message).toContain('Its extension .mat is that of CellExplorer')
    expect(mat.error.message).not.toContain('no installed loader reads MATLAB files')
    const plx = await inspect(join(root.path, 'rec.plx'))
    expect(plx.error.code).toBe('SPIKES_CORRUPT_FILE')
    expect(plx.error.message).toContain('shorter than the 7,504-byte .plx file header')
  })

  it('keeps the plain message for an empty folder', async () => {
    const r = await inspect(join(root.path, 'nothing'))
    expect(r.error.message).toMatch(/^Could not recognise the folder 'nothing' \(files: none\)\. Tried: .*Add --format <id> to force a loader\./)
  })
})

// End to end in a real browser, local inputs: Blobs and in-memory folders, each format detected
// (tools/support/chromium.ts runs the pages; browser-remote.test.ts covers HTTP, DANDI and IBL).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, CORPUS, IN_CI, ROOT, page, runInChromium } from './support/chromium.js'

const corpusCase = (name: string) => JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8'))
const summary = (name: string) => {
  const e = corpusCase(name)
  return { N: e.N, counts: e.spike_counts, lengthMs: e.length_ms }
}

describe('in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('loads an NWB file from a Blob with @spikes/core + @spikes/format-nwb', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const script = page(
      `import { container, loadSpikeData } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'`,
      `  const c = container.createChildContainer()
  registerNwb(c)
  const sd = await loadSpikeData(new Blob([await bytes('sample.nwb')]), { container: c })
  result = { N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, first: sd.train(0)[0], format: sd.metadata.provenance.format }`,
    )
    const result = await runInChromium(script, { 'sample.nwb': readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb')) })
    expect(result).toEqual({ N: 32, spikes: 10290, lengthMs: 60000, first: expect.any(Number), format: 'nwb' })
  }, 120_000)

  it.runIf(CHROMIUM || IN_CI)('loads in a Web Worker and hands the SpikeData to the page without a copy (spikeDataMessage)', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const worker = `import { container, loadSpikeData } from '@spikes/core'
import { spikeDataMessage } from '@spikes/core/transfer'
import { registerNwb } from '@spikes/format-nwb'
const c = container.createChildContainer()
registerNwb(c)
const sd = await loadSpikeData(new Uint8Array(await (await fetch('sample.nwb')).arrayBuffer()), { container: c })
const { message, transfer } = spikeDataMessage(sd, { transfer: true })
const bytes = transfer.reduce((n, b) => n + b.byteLength, 0)
self.postMessage(message, transfer)
self.postMessage({ transferred: transfer.length, bytes, left: sd.times.byteLength })`
    const script = page(
      `import { SpikeData } from '@spikes/core'
import { spikeDataFromMessage } from '@spikes/core/transfer'`,
      `  const w = new Worker('worker.js', { type: 'module' })
  const [message, afterwards] = await new Promise((resolve) => {
    const got = []
    w.onmessage = (event) => got.push(event.data) === 2 && resolve(got)
  })
  const sd = spikeDataFromMessage(message)
  result = { isSpikeData: sd instanceof SpikeData, N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, format: sd.metadata.provenance.format, afterwards }`,
    )
    const result = await runInChromium(script, { 'sample.nwb': readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb')) }, { worker })
    // The worker's arrays were moved, not copied: its SpikeData is left with detached (empty) buffers.
    expect(result).toEqual({ isSpikeData: true, N: 32, spikes: 10290, lengthMs: 60000, format: 'nwb', afterwards: { transferred: 2, bytes: 10290 * 8 + 33 * 8, left: 0 } })
  }, 120_000)

  it.runIf(CHROMIUM || IN_CI)('loads SpikeInterface sortings and recordings, Numpy, binary and Zarr (Blosc in WebAssembly), as Node does', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const data = join(ROOT, 'packages/format-spikeinterface/test/data')
    const layouts = ['si-numpy-7units', 'si-zarr-sorting.zarr', 'si-zarr-analyzer.zarr', 'si-rec-int16', 'si-rec-zarr-int16.zarr']
    const files: Record<string, Uint8Array> = {}
    const listing: Record<string, string[]> = {}
    const walk = (dir: string, rel: string, layout: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`, layout)
        else {
          files[`${layout}/${rel}${e.name}`] = readFileSync(join(dir, e.name))
          ;(listing[layout] ??= []).push(`${rel}${e.name}`)
        }
      }
    }
    for (const layout of layouts) walk(join(data, layout), '', layout)
    const { container, loadSpikeData, memoryFolder } = await import('@spikes/core')
    const { registerSpikeinterface } = await import('@spikes/format-spikeinterface')
    const c = container.createChildContainer()
    registerSpikeinterface(c)
    const show = (sd: { metadata: Record<string, any>; N: number; lengthMs: number; train(i: number): ArrayLike<number> }) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), lengthMs: sd.lengthMs })
    const inNode: Record<string, unknown> = {}
    for (const layout of layouts) {
      const folder = Object.fromEntries(listing[layout]!.map((f) => [f, files[`${layout}/${f}`]!]))
      inNode[layout] = show(await loadSpikeData(memoryFolder(folder, layout), { container: c }))
    }
    const script = page(
      `import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { registerSpikeinterface } from '@spikes/format-spikeinterface'`,
      `  const c = container.createChildContainer()
  registerSpikeinterface(c)
  const show = (sd) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), lengthMs: sd.lengthMs })
  result = {}
  for (const [layout, names] of Object.entries(${JSON.stringify(listing)})) {
    const folder = {}
    for (const name of names) folder[name] = await bytes(layout + '/' + name)
    result[layout] = show(await loadSpikeData(memoryFolder(folder, layout), { container: c }))
  }`,
    )
    const result = (await runInChromium(script, files)) as Record<string, { format: string; counts: number[] }>
    expect(result).toEqual(inNode)
    expect(Object.values(result).map((r) => r.format)).toEqual(['spikeinterface', 'spikeinterface', 'spikeinterface', 'spikeinterface-recording', 'spikeinterface-recording'])
    expect(result['si-zarr-sorting.zarr']!.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  }, 120_000)

  it.runIf((CHROMIUM || IN_CI) && (existsSync(CORPUS) || IN_CI))('loads KiloSort and ALF (in-memory folders), pickle, SpikeLab .npz and HDF5 inputs, detecting each format', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const ks = join(CORPUS, 'ks_basic_uint64', 'ks')
    const ksFiles = readdirSync(ks)
    const files: Record<string, Uint8Array> = {
      'sd.pkl': readFileSync(join(CORPUS, 'pkl_basic_protocol4', 'sd.pkl')),
      'sorted.npz': readFileSync(join(CORPUS, 'npz_full_units', 'sorted.npz')),
      'data.h5': readFileSync(join(CORPUS, 'h5_ragged_leading_zero_ms', 'data.h5')),
    }
    for (const f of ksFiles) files[`ks/${f}`] = readFileSync(join(ks, f))
    const alf = join(ROOT, '..', 'shared', 'realdata', 'ibl_alf', 'brainbox-alf', 'alf', 'probe00')
    const alfFiles = readdirSync(alf)
    for (const f of alfFiles) files[`alf/${f}`] = readFileSync(join(alf, f))
    const script = page(
      `import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { registerKilosort } from '@spikes/format-kilosort'
import { registerPickle } from '@spikes/format-pickle'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerIbl } from '@spikes/format-ibl'`,
      `  const c = container.createChildContainer()
  for (const register of [registerKilosort, registerPickle, registerHdf5, registerIbl]) register(c)
  const show = (sd) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), lengthMs: sd.lengthMs })
  const folder = {}
  for (const name of ${JSON.stringify(ksFiles)}) folder[name] = await bytes('ks/' + name)
  const alfFolder = {}
  for (const name of ${JSON.stringify(alfFiles)}) alfFolder[name] = await bytes('alf/' + name)
  result = {
    kilosort: show(await loadSpikeData(memoryFolder(folder, 'ks'), { container: c, options: { fsHz: 20000 } })),
    pickle: show(await loadSpikeData(new Blob([await bytes('sd.pkl')]), { container: c })),
    npz: show(await loadSpikeData(new Blob([await bytes('sorted.npz')]), { container: c })),
    hdf5: show(await loadSpikeData(new Blob([await bytes('data.h5')]), { container: c, options: { spikeTimesDataset: 'st', spikeTimesIndexDataset: 'sti', spikeTimesUnit: 'ms' } })),
    alf: (({ format, N, counts }) => ({ format, N, spikes: counts.reduce((a, b) => a + b, 0) }))(show(await loadSpikeData(memoryFolder(alfFolder, 'probe00'), { container: c }))),
  }`,
    )
    const result = await runInChromium(script, files)
    expect(result).toEqual({
      kilosort: { format: 'kilosort', ...summary('ks_basic_uint64') },
      pickle: { format: 'pickle', ...summary('pkl_basic_protocol4') },
      npz: { format: 'spikelab-npz', ...summary('npz_full_units') },
      hdf5: { format: 'hdf5', ...summary('h5_ragged_leading_zero_ms') },
      // The real brainbox ALF folder (PROVENANCE.md): 289 clusters, 124,905 spikes, as the ALF loader test reads it in Node.
      alf: { format: 'alf', N: 289, spikes: 124905 },
    })
  }, 120_000)

  it.runIf((CHROMIUM || IN_CI) && (existsSync(join(ROOT, '..', 'shared', 'realdata')) || IN_CI))('loads Plexon .plx / .nex / .nex5, CellExplorer (Level 5 and v7.3) and NWB-Zarr (an in-memory store), detecting each format', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { writeNex5, writePlx } = await import('@spikes/testing')
    const real = join(ROOT, '..', 'shared', 'realdata')
    const store = join(real, 'nwb-zarr', 'hdmf-zarr-0.2.0-units', 'units_a.nwb.zarr')
    const storeFiles: string[] = []
    const walk = (dir: string, rel: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`)
        else if (!rel.startsWith('specifications/')) storeFiles.push(`${rel}${e.name}`)
      }
    }
    walk(store, '')
    const files: Record<string, Uint8Array> = {
      'a.nex': readFileSync(join(real, 'plexon', 'neuroexplorer-nex-1', 'File_neuroexplorer_1.nex')),
      'a.plx': writePlx({ frequency: 40000, channels: ['sig001', 'sig002'], spikes: [{ channel: 1, unit: 1, ticks: 40 }, { channel: 2, unit: 0, ticks: 80 }, { channel: 1, unit: 1, ticks: 400 }] }),
      'a.nex5': writeNex5({ frequency: 1000, endTicks: 10, variables: [{ type: 0, name: 'n1', ticks: [1, 2, 3] }] }),
      'a.cell_metrics.cellinfo.mat': readFileSync(join(real, 'cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')),
      'b.cell_metrics.cellinfo.mat': readFileSync(join(ROOT, 'packages/format-cellexplorer/test/fixtures/mini.cell_metrics.cellinfo.mat')),
    }
    for (const f of storeFiles) files[`zarr/${f}`] = readFileSync(join(store, f))
    const script = page(
      `import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { registerPlexon } from '@spikes/format-plexon'
import { registerCellexplorer } from '@spikes/format-cellexplorer'
import { registerNwb } from '@spikes/format-nwb'`,
      `  const c = container.createChildContainer()
  for (const register of [registerPlexon, registerCellexplorer, registerNwb]) register(c)
  const show = (sd) => ({ format: sd.metadata.provenance.format, N: sd.N, spikes: sd.totalSpikes, first: sd.train(0)[0] })
  const blob = async (name) => new File([await bytes(name)], name)
  const store = {}
  for (const name of ${JSON.stringify(storeFiles)}) store[name] = await bytes('zarr/' + name)
  result = {}
  for (const name of ['a.nex', 'a.plx', 'a.nex5', 'a.cell_metrics.cellinfo.mat', 'b.cell_metrics.cellinfo.mat']) result[name] = show(await loadSpikeData(await blob(name), { container: c }))
  result.zarr = show(await loadSpikeData(memoryFolder(store, 'units_a.nwb.zarr'), { container: c }))`,
    )
    const result = await runInChromium(script, files)
    expect(result).toEqual({
      'a.nex': { format: 'plexon', N: 6, spikes: 45437, first: 22.950000000000003 },
      'a.plx': { format: 'plexon', N: 2, spikes: 3, first: 1 },
      'a.nex5': { format: 'plexon', N: 1, spikes: 3, first: 1 },
      'a.cell_metrics.cellinfo.mat': { format: 'cellexplorer', N: 1, spikes: 70065, first: 470.3 },
      'b.cell_metrics.cellinfo.mat': { format: 'cellexplorer', N: 3, spikes: 9, first: 500 },
      zarr: { format: 'nwb', N: 12, spikes: 2804, first: expect.closeTo(3494.7570647885673, 9) },
    })
  }, 180_000)
  const REAL = join(ROOT, '..', 'shared', 'realdata')
  const SORTER_INPUTS: Record<string, string> = {
    mountainsort: join(REAL, 'mountainsort', 'mountainlab-mv'),
    neuroscope: join(REAL, 'neuroscope', 'pynapple-A2929-200711'),
    openephys: join(REAL, 'openephys', 'binary-0.6.7', 'Record Node 105', 'experiment1', 'recording1'),
    'openephys-legacy': join(REAL, 'openephys', 'legacy-spikes-0.6.7', 'Record Node 105'),
  }

  it.runIf((CHROMIUM || IN_CI) && (Object.values(SORTER_INPUTS).every((p) => existsSync(p)) || IN_CI))('loads MountainSort, Neuroscope and Open Ephys (Binary and legacy) folders in memory, detecting each format, as Node does', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    // Each folder's files are served under short names (the real ones hold spaces); the page rebuilds the folders.
    const files: Record<string, Uint8Array> = {}
    const listing: Record<string, Record<string, string>> = {}
    const walk = (dir: string, rel: string, input: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`, input)
        else if (!e.name.endsWith('.md') && !e.name.startsWith('waveforms')) {
          const key = `f${Object.keys(files).length}`
          files[key] = readFileSync(join(dir, e.name))
          ;(listing[input] ??= {})[`${rel}${e.name}`] = key
        }
      }
    }
    for (const [input, dir] of Object.entries(SORTER_INPUTS)) walk(dir, '', input)
    const { container, loadSpikeData, memoryFolder } = await import('@spikes/core')
    const registers = [(await import('@spikes/format-mountainsort')).registerMountainsort, (await import('@spikes/format-neuroscope')).registerNeuroscope, (await import('@spikes/format-openephys')).registerOpenephys]
    const c = container.createChildContainer()
    for (const register of registers) register(c)
    const show = (sd: { metadata: Record<string, any>; N: number; lengthMs: number; train(i: number): Float64Array }) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), first: sd.train(0)[0], lengthMs: sd.lengthMs })
    const inNode: Record<string, unknown> = {}
    for (const [input, names] of Object.entries(listing)) inNode[input] = show(await loadSpikeData(memoryFolder(Object.fromEntries(Object.entries(names).map(([n, k]) => [n, files[k]!])), input), { container: c }))
    const script = page(
      `import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { registerMountainsort } from '@spikes/format-mountainsort'
import { registerNeuroscope } from '@spikes/format-neuroscope'
import { registerOpenephys } from '@spikes/format-openephys'`,
      `  const c = container.createChildContainer()
  for (const register of [registerMountainsort, registerNeuroscope, registerOpenephys]) register(c)
  const show = (sd) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), first: sd.train(0)[0], lengthMs: sd.lengthMs })
  result = {}
  for (const [input, names] of Object.entries(${JSON.stringify(listing)})) {
    const folder = {}
    for (const [name, key] of Object.entries(names)) folder[name] = await bytes(key)
    result[input] = show(await loadSpikeData(memoryFolder(folder, input), { container: c }))
  }`,
    )
    const result = (await runInChromium(script, files)) as Record<string, { format: string; N: number }>
    expect(result).toEqual(inNode)
    // The unit counts the real-data tests of each plugin check against numpy.
    expect(Object.fromEntries(Object.entries(result).map(([k, r]) => [k, [r.format, r.N]]))).toEqual({ mountainsort: ['mountainsort', 32], neuroscope: ['neuroscope', 15], openephys: ['openephys', 8], 'openephys-legacy': ['openephys', 8] })
  }, 120_000)
})

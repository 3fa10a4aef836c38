// Local files of any size in a browser tab, without upload: a 2 GB NWB file chosen through a file input and
// a 2 GB KiloSort folder chosen as a directory are loaded in a Web Worker that reads them in place
// (Blob.slice; FileReaderSync under h5wasm's WORKERFS). Every slice is counted through a wrapper, and the
// JS heaps of the page and the worker are sampled over the DevTools protocol (tools/support/cdp.ts).
// Writing the 2 GB inputs takes ~10 s each: a slow suite (vitest.config.ts SLOW_SUITES).
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI } from './support/chromium.js'
import { runWithPickedFiles } from './support/cdp.js'

const MB = 1024 * 1024
const HEAP_LIMIT = 300 * MB
const dir = mkdtempSync(join(tmpdir(), 'spikes-local-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const html = (input: string) => `<!doctype html><html><body>${input}<script type="module" src="bundle.js"></script></body></html>`

// The page hands the picked Files (handles, not contents) to a worker and posts back what it reports.
const pageScript = `const input = document.querySelector('#pick')
const picked = new Promise((resolve) => input.addEventListener('change', () => resolve(Array.from(input.files)), { once: true }))
window.ready = true
const files = await picked
const worker = new Worker('worker.js', { type: 'module' })
worker.postMessage(files)
const result = await new Promise((resolve) => (worker.onmessage = (event) => resolve(event.data)))
await fetch('result', { method: 'POST', body: JSON.stringify(result) })`

// Counts the bytes of every Blob.slice taken from the picked Files (WORKERFS and blobSource both slice).
const countingSlices = `const counted = { bytes: 0, slices: 0 }
function countSlices(file) {
  const slice = file.slice.bind(file)
  file.slice = (start = 0, end = file.size, type) => {
    const from = start < 0 ? Math.max(0, file.size + start) : Math.min(start, file.size)
    const to = end < 0 ? Math.max(0, file.size + end) : Math.min(end, file.size)
    counted.bytes += Math.max(0, to - from)
    counted.slices++
    return slice(start, end, type)
  }
  return file
}`

const workerScript = (imports: string, load: string) => `import { container, loadSpikeData } from '@spikes/core'
${imports}
${countingSlices}
self.onmessage = async ({ data: files }) => {
  let result
  try {
    files.forEach(countSlices)
    const c = container.createChildContainer()
${load}
    // Kept alive, so the final heap sample sees the loaded data too.
    self.loaded = sd
    result = { format: sd.metadata.provenance.format, N: sd.N, spikes: sd.totalSpikes, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), first: sd.train(0)[0], pickedBytes: files.reduce((n, f) => n + f.size, 0), read: counted }
  } catch (e) {
    result = { error: String(e && e.code), message: String(e && e.message) }
  }
  self.postMessage(result)
}`

interface Loaded {
  format: string
  N: number
  spikes: number
  counts: number[]
  first: number
  pickedBytes: number
  read: { bytes: number; slices: number }
}

describe('local files of any size in a browser tab', () => {
  it.runIf(CHROMIUM || IN_CI)('loads the units of a 2 GB NWB file chosen through a file input, in a worker, reading little more than the units', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { makeNwb } = await import('@spikes/testing/dandi')
    // 1.99 GB of int16 raw traces (64 channels) before a Units table of 1.25 M spikes in 1,000 units (10 MB).
    const nwb = await makeNwb(join(dir, 'session.nwb'), { units: 1000, spikes: 1_250_000, channels: 64, rawSamples: 15_600_000, rawChunk: 30_000, durationS: 520, seed: 11 })
    const unitsBytes = nwb.spikes * 8 + nwb.units * 8 * 3
    const worker = workerScript(`import { registerNwb } from '@spikes/format-nwb'`, `    registerNwb(c)
    const sd = await loadSpikeData(files[0], { container: c })`)
    const run = await runWithPickedFiles(html('<input type="file" id="pick">'), pageScript, worker, { '#pick': [nwb.path] })
    const result = run.result as Loaded
    expect(result).toMatchObject({ format: 'nwb', N: 1000, spikes: nwb.spikes, pickedBytes: nwb.size })
    expect(result.counts).toEqual(nwb.expected.spikesPerUnit)
    expect(result.first).toBeCloseTo(nwb.expected.firstSpike * 1000, 9)
    expect(nwb.size).toBeGreaterThan(1.9e9)
    console.log(`NWB ${(nwb.size / 1e9).toFixed(2)} GB: read ${(result.read.bytes / MB).toFixed(1)} MiB in ${result.read.slices} slices (units ${(unitsBytes / MB).toFixed(1)} MiB, ${(result.read.bytes / unitsBytes).toFixed(2)}x); peak JS heap page ${(run.peakHeap.page / MB).toFixed(1)} MiB, worker ${(run.peakHeap.workers / MB).toFixed(1)} MiB; renderer peak RSS ${(run.peakRendererRss / MB).toFixed(0)} MiB`)
    expect(result.read.bytes).toBeLessThanOrEqual(1.5 * unitsBytes)
    expect(run.peakHeap.workers).toBeGreaterThan(0)
    expect(run.peakHeap.page).toBeLessThan(HEAP_LIMIT)
    expect(run.peakHeap.workers).toBeLessThan(HEAP_LIMIT)
    // The whole renderer (page, worker, h5wasm's heap) stays far below the file's size: nothing was copied whole.
    expect(run.peakRendererRss).toBeGreaterThan(0)
    expect(run.peakRendererRss).toBeLessThan(HEAP_LIMIT * 2)
  }, 300_000)

  it.runIf(CHROMIUM || IN_CI)('loads a 2 GB KiloSort folder chosen as a directory, in a worker, reading only the files it needs', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { npyFile } = await import('@spikes/testing')
    const folder = join(dir, 'kilosort-run')
    mkdirSync(folder)
    const spikes = 1_250_000
    const units = 500
    const times = new BigUint64Array(spikes)
    const clusters = new Int32Array(spikes)
    const counts = new Array<number>(units).fill(0)
    for (let i = 0; i < spikes; i++) {
      times[i] = BigInt(i * 12 + (i % 7))
      clusters[i] = (i * 7919) % units
      counts[clusters[i]]++
    }
    writeFileSync(join(folder, 'spike_times.npy'), npyFile(`{'descr': '<u8', 'fortran_order': False, 'shape': (${spikes},), }`, new Uint8Array(times.buffer)))
    writeFileSync(join(folder, 'spike_clusters.npy'), npyFile(`{'descr': '<i4', 'fortran_order': False, 'shape': (${spikes},), }`, new Uint8Array(clusters.buffer)))
    writeFileSync(join(folder, 'params.py'), "dat_path = 'temp_wh.dat'\nn_channels_dat = 64\ndtype = 'int16'\noffset = 0\nsample_rate = 30000.\nhp_filtered = True\n")
    writeRaw(join(folder, 'temp_wh.dat'), 2_000_000_000)
    const neededBytes = spikes * 8 + spikes * 4
    const worker = workerScript(`import { filesFolder } from '@spikes/core'
import { registerKilosort } from '@spikes/format-kilosort'`, `    registerKilosort(c)
    const sd = await loadSpikeData(filesFolder(files), { container: c })`)
    const run = await runWithPickedFiles(html('<input type="file" id="pick" webkitdirectory>'), pageScript, worker, { '#pick': [folder] })
    const result = run.result as Loaded
    expect(result).toMatchObject({ format: 'kilosort', N: units, spikes })
    expect(result.counts).toEqual(counts)
    expect(result.first).toBeCloseTo(0, 12)
    expect(result.pickedBytes).toBeGreaterThan(2e9)
    console.log(`KiloSort folder ${(result.pickedBytes / 1e9).toFixed(2)} GB: read ${(result.read.bytes / MB).toFixed(1)} MiB in ${result.read.slices} slices (spike files ${(neededBytes / MB).toFixed(1)} MiB, ${(result.read.bytes / neededBytes).toFixed(2)}x); peak JS heap page ${(run.peakHeap.page / MB).toFixed(1)} MiB, worker ${(run.peakHeap.workers / MB).toFixed(1)} MiB; renderer peak RSS ${(run.peakRendererRss / MB).toFixed(0)} MiB`)
    expect(result.read.bytes).toBeLessThanOrEqual(1.5 * neededBytes)
    expect(run.peakHeap.workers).toBeGreaterThan(0)
    expect(run.peakHeap.page).toBeLessThan(HEAP_LIMIT)
    expect(run.peakHeap.workers).toBeLessThan(HEAP_LIMIT)
    // The whole renderer (page, worker, h5wasm's heap) stays far below the file's size: nothing was copied whole.
    expect(run.peakRendererRss).toBeGreaterThan(0)
    expect(run.peakRendererRss).toBeLessThan(HEAP_LIMIT * 2)
  }, 300_000)
})

/** Raw int16 traces written in 16 MiB blocks (a real file of that size, not a sparse one). */
function writeRaw(path: string, bytes: number): void {
  const block = new Int16Array(8 * MB)
  for (let i = 0; i < block.length; i++) block[i] = ((i * 7) % 2001) - 1000
  const view = new Uint8Array(block.buffer)
  const fd = openSync(path, 'w')
  try {
    for (let written = 0; written < bytes; ) written += writeSync(fd, view, 0, Math.min(view.length, bytes - written))
  } finally {
    closeSync(fd)
  }
}

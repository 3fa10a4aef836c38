// DANDI benchmark: a 300 MB NWB asset (64-channel int16 ElectricalSeries + a Units table of ~5 MB) served
// by the DANDI API emulator on 127.0.0.1, loaded (1) remotely with HTTP Range requests and (2) with
// download: true. Prints time, bytes, requests for both, checks they give identical SpikeData, and the
// ratio to a raw read of the file. Build first: npx tsc -b packages/format-dandi
//
// Unlike the other benches this one measures in one process (the emulator runs in a worker thread),
// so its peak RSS covers both loads, the raw read and the input's generation when it was not cached.
//
//   node bench/dandi/run.mjs [--mb 300] [--spikes 625000] [--units 200]
// --mb sizes the ElectricalSeries (the bytes a range load should skip), --spikes/--units the Units table.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { numberArg, tmpPath } from '../lib.mjs'

const mb = numberArg('--mb', 300)
const root = new URL('../../', import.meta.url)
const support = new URL('packages/testing/src/dandi/', root)
const { makeNwb } = await import(new URL('make-nwb.mjs', support))
const { loadSpikeDataFromDandi } = await import(new URL('packages/format-dandi/dist/index.js', root))

const dir = tmpPath('spikes-bench-dandi')
mkdirSync(dir, { recursive: true })
const channels = 64
const rawSamples = Math.round((mb * 1e6) / (channels * 2))
const units = numberArg('--units', 200)
const spikes = numberArg('--spikes', 625_000) // 5 MB of float64 spike times
const file = join(dir, `asset-${mb}mb-${units}u-${spikes}s.nwb`)
if (!existsSync(file)) {
  const t = performance.now()
  await makeNwb(file, { units, spikes, durationS: rawSamples / 30000, channels, rawSamples, rate: 30000, rawChunk: 30000, seed: 42 })
  console.log(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const unitsBytes = spikes * 8 + units * 8 * 3 // spike_times + spike_times_index + id + quality

// The emulator runs in a worker: a remote HDF5 read blocks this thread while its bytes arrive.
const worker = new Worker(new URL('emulator-worker.mjs', support), { workerData: { dandisets: { '000042': { assets: [{ path: 'sub-bench/sub-bench_ecephys.nwb', file }] } } } })
const ready = await new Promise((resolve, reject) => {
  worker.once('error', reject)
  worker.once('message', resolve)
})
let nextId = 1
const call = (type) =>
  new Promise((resolve) => {
    const id = nextId++
    const on = (msg) => {
      if (msg.id === id) {
        worker.off('message', on)
        resolve(msg.result)
      }
    }
    worker.on('message', on)
    worker.postMessage({ type, id })
  })
const asset = ready.assets[0]

async function run(label, options) {
  await call('clear')
  const t = performance.now()
  const sd = await loadSpikeDataFromDandi(`dandi://000042/draft/${asset.path}`, { apiBase: ready.apiBase, ...options })
  const ms = performance.now() - t
  const log = await call('log')
  const blobBytes = log.filter((l) => l.kind === 'blob').reduce((a, l) => a + l.bytes, 0)
  const tr = sd.metadata.dandi_transfer
  console.log(`${label.padEnd(9)} time ${ms.toFixed(0).padStart(6)} ms   bytes ${String(tr.bytes_fetched).padStart(10)} (${(tr.bytes_fetched / 1e6).toFixed(2)} MB, server sent ${(blobBytes / 1e6).toFixed(2)} MB)   file requests ${tr.requests}   api requests ${tr.api_requests}   all HTTP ${log.length}`)
  return { sd, ms, bytes: tr.bytes_fetched, requests: tr.requests, all: log.length }
}

const remote = await run('range', {})
const download = await run('download', { download: true })

const t = performance.now()
const raw = readFileSync(file)
const rawMs = performance.now() - t
console.log(`raw read  time ${rawMs.toFixed(0).padStart(6)} ms   bytes ${String(raw.length).padStart(10)} (fs.readFileSync of the same file)`)

const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]))
const strip = (m) => {
  const { dandi_transfer, downloaded_path, ...rest } = m
  return JSON.stringify(rest)
}
const identical = same(Array.from(remote.sd.times), Array.from(download.sd.times)) && same(Array.from(remote.sd.offsets), Array.from(download.sd.offsets)) && JSON.stringify(remote.sd.neuronAttributes) === JSON.stringify(download.sd.neuronAttributes) && strip(remote.sd.metadata) === strip(download.sd.metadata) && remote.sd.lengthMs === download.sd.lengthMs
console.log(`units bytes ${unitsBytes} (${(unitsBytes / 1e6).toFixed(2)} MB); N ${remote.sd.N}; spikes ${remote.sd.totalSpikes}`)
console.log(`range/units bytes ratio ${(remote.bytes / unitsBytes).toFixed(2)} (goal <= 3)   range file requests ${remote.requests} (all HTTP ${remote.all}; goal <= 60)`)
console.log(`range/download time ratio ${(remote.ms / download.ms).toFixed(3)}   download/raw-read time ratio ${(download.ms / rawMs).toFixed(2)}   range/raw-read time ratio ${(remote.ms / rawMs).toFixed(2)}`)
console.log(`identical SpikeData (range vs download): ${identical}`)
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
await call('close').catch(() => {})
await worker.terminate()
const ok = identical && remote.bytes <= 3 * unitsBytes && remote.all <= 60 && download.bytes === raw.length
console.log(ok ? 'PASS' : 'FAIL')
process.exitCode = ok ? 0 : 1

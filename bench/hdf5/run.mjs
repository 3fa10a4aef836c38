#!/usr/bin/env node
// bench/hdf5: the generic HDF5 loader on a ragged file (flat spike_times + spike_times_index) of
// 20 million spikes in 1,000 units, stored plain (contiguous) and gzip-chunked. Inputs are written once
// with h5wasm's writer into os.tmpdir() (deterministic, reused). Each measurement runs in its own process
// so its peak RSS is its own. Compared against fs.readFileSync of the same file.
// Usage: node bench/hdf5/run.mjs [--spikes N] [--units N]   (build first: npx tsc -b packages/format-hdf5)
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, loadWith, mb, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 20_000_000)
const units = numberArg('--units', 1000)
const mode = childMode()
const dir = tmpPath('spikes-bench-hdf5')
const files = {
  plain: join(dir, `ragged-${spikes}-${units}-plain.h5`),
  gzip: join(dir, `ragged-${spikes}-${units}-gzip.h5`),
}

/** Sorted spike times in seconds, unit by unit, from a xorshift generator (same bytes every run). */
function makeTrains() {
  const times = new Float64Array(spikes)
  const index = new BigInt64Array(units)
  let x = 2463534242
  let k = 0
  for (let u = 0; u < units; u++) {
    const n = Math.floor(((u + 1) * spikes) / units) - Math.floor((u * spikes) / units)
    let t = 0
    for (let j = 0; j < n; j++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      t += (((x >>> 0) % 100000) + 1) / 1e6 // ISI up to 0.1 s, microsecond grid
      times[k++] = t
    }
    index[u] = BigInt(k)
  }
  return { times, index }
}

async function generate(path, compressed) {
  const h5 = await import('h5wasm/node')
  await h5.ready
  const { times, index } = makeTrains()
  const tmp = `${path}.part`
  const f = new h5.File(tmp, 'w')
  try {
    f.create_dataset({ name: 'spike_times', data: times, dtype: '<d', ...(compressed ? { chunks: [Math.min(1 << 18, spikes)], compression: 'gzip', compression_opts: 4 } : {}) })
    f.create_dataset({ name: 'spike_times_index', data: index, dtype: '<q' })
  } finally {
    f.close()
  }
  renameSync(tmp, path)
}

if (mode) {
  const path = files[mode.replace(/^raw-/, '')]
  const start = performance.now()
  let check
  if (mode.startsWith('raw-')) {
    check = readFileSync(path).length
  } else {
    // The descriptor module directly: this bench measures the 'hdf5' loader only.
    const { hdf5Loader } = await import('../../packages/format-hdf5/dist/hdf5-loader.js')
    const sd = await loadWith(path, 'hdf5', hdf5Loader, { spikeTimesDataset: 'spike_times', spikeTimesIndexDataset: 'spike_times_index', spikeTimesUnit: 's' })
    check = sd.N + sd.totalSpikes
    if (sd.N !== units || sd.totalSpikes !== spikes) throw new Error(`wrong result: N=${sd.N} spikes=${sd.totalSpikes}`)
  }
  reportChild({ ms: performance.now() - start, check })
}

mkdirSync(dir, { recursive: true })
for (const [kind, path] of Object.entries(files)) {
  if (!existsSync(path)) {
    const t0 = performance.now()
    await generate(path, kind === 'gzip')
    console.log(`  (generated ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  }
}
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
console.log(`bench/hdf5: ragged layout, ${spikes.toLocaleString('en-US')} spikes in ${units} units (float64 seconds + int64 index)`)
const targets = { plain: 1500, gzip: 4000 }
for (const kind of ['plain', 'gzip']) {
  const raw = run(`raw-${kind}`)
  const load = run(kind)
  const size = statSync(files[kind]).size
  console.log(`  ${kind.padEnd(5)} file ${mb(size)}: load ${load.ms.toFixed(0)} ms, peak RSS ${mb(load.peakBytes)}; readFileSync ${raw.ms.toFixed(0)} ms, peak RSS ${mb(raw.peakBytes)}; ratio time ${(load.ms / raw.ms).toFixed(2)}x, peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x`)
  console.log(`        targets: <= ${targets[kind]} ms ${load.ms <= targets[kind] ? 'met' : 'MISSED'}, peak RSS <= 1 GB ${load.peakBytes <= 1e9 ? 'met' : 'MISSED'}`)
}

#!/usr/bin/env node
// bench/hdf5/threshold: the 'hdf5-threshold' loader on 64 channels x 60 s at 20 kHz of int16 traces
// (Butterworth 300-6000 Hz order 3 forward-backward, 5 sigma, rising edges), against raw reads of the
// same data. Each measurement runs in its own process so its peak RSS is its own.
// Usage: node bench/hdf5/threshold.mjs [--channels N] [--seconds S]
//        (build first: npx tsc -b packages/format-hdf5)
import { existsSync, readFileSync, renameSync } from 'node:fs'
import { childMode, cliArgs, loadWith, mb, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const channels = numberArg('--channels', 64)
const seconds = numberArg('--seconds', 60)
const fsHz = 20000
const samples = seconds * fsHz
const mode = childMode()
const file = tmpPath(`spikes-bench-threshold-${channels}x${samples}-int16.h5`)

/** Deterministic int16 traces: noise (sd ~ 20) plus ~5 Hz of biphasic spikes per channel. */
async function makeFile() {
  if (existsSync(file)) return
  const { loadH5wasm } = await import('@spikes/hdf5')
  const h5 = await loadH5wasm()
  const data = new Int16Array(channels * samples)
  let x = 2463534242
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  for (let c = 0; c < channels; c++) {
    const row = c * samples
    for (let k = 0; k < samples; k++) data[row + k] = Math.round((rnd() + rnd() + rnd() - 1.5) * 40)
    for (let k = 0; k < samples - 40; k += Math.floor(1000 + rnd() * 6000)) {
      for (let j = 0; j < 30; j++) data[row + k + j] += Math.round(-300 * Math.exp(-j / 3) * Math.sin((j * Math.PI) / 12))
    }
  }
  const partial = file + '.part'
  const f = new h5.File(partial, 'w')
  try {
    f.create_dataset({ name: 'traces', data, shape: [channels, samples], dtype: '<h' })
  } finally {
    f.close()
  }
  renameSync(partial, file)
}

async function child(which) {
  const start = performance.now()
  let check
  let path = ''
  if (which === 'readfile') {
    check = readFileSync(file).length
  } else if (which === 'dataset') {
    const { openHdf5 } = await import('@spikes/hdf5')
    const f = await openHdf5(file)
    try {
      check = f.dataset('traces').readNumeric({ as: 'native' }).length
    } finally {
      await f.close()
    }
  } else {
    const { hdf5ThresholdLoader } = await import('@spikes/format-hdf5')
    const sd = await loadWith(file, 'hdf5-threshold', hdf5ThresholdLoader, { dataset: 'traces', fsHz })
    check = sd.totalSpikes
    path = 'loadSpikeData(format hdf5-threshold)'
  }
  reportChild({ ms: performance.now() - start, check, path })
}

if (mode) await child(mode)

const t0 = performance.now()
await makeFile()
const made = performance.now() - t0
const run = (m) => runChild(import.meta.url, m, cliArgs({ channels, seconds }), ['--max-old-space-size=8192'])
const readfile = run('readfile')
const dataset = run('dataset')
const load = run('load')
const s = (ms) => (ms / 1000).toFixed(2) + ' s'
console.log(`bench/hdf5/threshold: ${channels} channels x ${seconds} s at ${fsHz / 1000} kHz, int16 (${mb(channels * samples * 2)} of traces)${made > 1000 ? `, input written in ${s(made)}` : ''}`)
console.log(`  threshold load       ${s(load.ms)}   peak RSS ${mb(load.peakBytes)}   ${load.check} spikes   via ${load.path}`)
console.log(`  raw dataset read     ${s(dataset.ms)}   peak RSS ${mb(dataset.peakBytes)}`)
console.log(`  fs.readFileSync      ${s(readfile.ms)}   peak RSS ${mb(readfile.peakBytes)}`)
console.log(`  ratio to dataset read: time ${(load.ms / dataset.ms).toFixed(1)}x, peak RSS ${(load.peakBytes / dataset.peakBytes).toFixed(1)}x`)
console.log(`  target <= 10 s: ${load.ms <= 10000 ? 'met' : 'MISSED'}`)

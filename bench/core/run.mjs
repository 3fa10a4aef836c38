#!/usr/bin/env node
// bench/core: SpikeData.fromIdcesTimes on 50 million spikes in 500 units, against a plain copy of the
// same bytes. Each measurement runs in its own process so peak RSS is its own.
// Usage: node bench/core/run.mjs [--spikes N] [--units N]   (run `npm run build` first)
import { childMode, cliArgs, mb, numberArg, reportChild, runChild } from '../lib.mjs'

const spikes = numberArg('--spikes', 50_000_000)
const units = numberArg('--units', 500)
const mode = childMode()

function makeInput() {
  // Time-ordered spikes from a cheap deterministic generator: what a sorter's output looks like.
  const idces = new Uint32Array(spikes)
  const times = new Float64Array(spikes)
  let x = 123456789
  let t = 0
  for (let k = 0; k < spikes; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    idces[k] = (x >>> 0) % units
    t += ((x >>> 8) & 0xff) / 256 / 10
    times[k] = t
  }
  return { idces, times }
}

if (mode) {
  const { idces, times } = makeInput()
  const baseRss = process.memoryUsage().rss
  const start = performance.now()
  let check
  if (mode === 'copy') {
    const out = new Float64Array(times.length)
    out.set(times)
    const idx = new Uint32Array(idces.length)
    idx.set(idces)
    check = out[out.length - 1] + idx[0]
  } else {
    const { SpikeData } = await import('@spikes/core')
    const sd = SpikeData.fromIdcesTimes(idces, times, { N: units })
    check = sd.N + sd.totalSpikes
  }
  reportChild({ ms: performance.now() - start, inputBytes: idces.byteLength + times.byteLength, baseRss, check })
}

const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }), ['--max-old-space-size=8192'])
const copy = run('copy')
const load = run('load')
console.log(`bench/core: ${spikes.toLocaleString('en-US')} spikes in ${units} units (idces Uint32 + times Float64 = ${mb(load.inputBytes)} of input)`)
console.log(`  SpikeData.fromIdcesTimes  ${load.ms.toFixed(0)} ms   peak RSS ${mb(load.peakBytes)}`)
console.log(`  plain copy of the bytes   ${copy.ms.toFixed(0)} ms   peak RSS ${mb(copy.peakBytes)}`)
console.log(`  ratio time ${(load.ms / copy.ms).toFixed(2)}x   ratio peak RSS ${(load.peakBytes / copy.peakBytes).toFixed(2)}x`)
console.log(`  targets: < 1500 ms ${load.ms < 1500 ? 'met' : 'MISSED'}, < 1300 MB ${load.peakBytes < 1.3e9 ? 'met' : 'MISSED'}`)

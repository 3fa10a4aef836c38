#!/usr/bin/env node
// bench/mountainsort: loads a MountainSort folder whose firings.mda holds 50 million events (float64,
// 3 rows: channel, time in samples, label; 1.2 GB) in 500 clusters on 64 channels, with params.json,
// through loadSpikeData, against a raw read (fs.readFileSync) of the same file. Each measurement runs in
// its own process so its peak RSS is its own. The folder is generated once under os.tmpdir() and reused.
// Usage: node bench/mountainsort/run.mjs [--spikes N] [--units N]   (run `npx tsc -b packages/format-mountainsort` first)
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, loadWith, mb, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 50_000_000)
const units = numberArg('--units', 500)
const mode = childMode()
const folder = tmpPath(`spikes-bench-mountainsort-${spikes}-${units}`)
const FS = 30000
const CHANNELS = 64

/** Deterministic, time-ordered events (xorshift), written in chunks; each label keeps one channel, as MountainSort's do. */
function generate() {
  if (existsSync(join(folder, 'done'))) return
  mkdirSync(folder, { recursive: true })
  const fd = openSync(join(folder, 'firings.mda'), 'w')
  const header = new Int32Array([-7, 8, 2, 3, spikes])
  writeSync(fd, new Uint8Array(header.buffer))
  const chunk = 1 << 20
  const values = new Float64Array(chunk * 3)
  let x = 987654321
  let t = 0
  for (let done = 0; done < spikes; done += chunk) {
    const n = Math.min(chunk, spikes - done)
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      const label = ((x >>> 0) % units) + 1
      t += (x >>> 24) & 0x1f
      values[3 * k] = (label % CHANNELS) + 1
      values[3 * k + 1] = t + 1
      values[3 * k + 2] = label
    }
    writeSync(fd, new Uint8Array(values.buffer, 0, n * 24))
  }
  closeSync(fd)
  writeFileSync(join(folder, 'params.json'), JSON.stringify({ samplerate: FS, detect_sign: -1, adjacency_radius: 50 }))
  writeFileSync(join(folder, 'done'), '')
}

if (mode) {
  const start = performance.now()
  let check
  if (mode === 'raw') {
    check = readFileSync(join(folder, 'firings.mda')).length
  } else {
    const { registerMountainsort } = await import('@spikes/format-mountainsort')
    const sd = await loadWith(folder, 'mountainsort', registerMountainsort)
    check = `${sd.N} units, ${sd.times.length} spikes, length ${sd.lengthMs.toFixed(1)} ms`
  }
  reportChild({ ms: performance.now() - start, check })
}

const t0 = performance.now()
generate()
const genMs = performance.now() - t0
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
run('raw') // warm the page cache so both measurements read from memory
const raw = run('raw')
const load = run('load')
console.log(`bench/mountainsort: ${spikes.toLocaleString('en-US')} float64 events in ${units} labels (${folder}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
console.log(`  load                   ${load.ms.toFixed(0)} ms   peak RSS ${mb(load.peakBytes)}   (${load.check})`)
console.log(`  raw read of the file   ${raw.ms.toFixed(0)} ms   peak RSS ${mb(raw.peakBytes)}   (${raw.check} bytes)`)
console.log(`  ratio load / raw read  time ${(load.ms / raw.ms).toFixed(2)}x   peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x`)
console.log(`  target                 time within 2x of the raw read: ${load.ms <= 2 * raw.ms ? 'met' : 'NOT met'}`)

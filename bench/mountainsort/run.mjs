#!/usr/bin/env node
// bench/mountainsort: loads a MountainSort folder whose firings.mda holds 50 million events (float64,
// 3 rows: channel, time in samples, label; 1.2 GB) in 500 clusters on 64 channels, with params.json,
// through loadSpikeData, against a raw read (fs.readFileSync) of the same file, and beside the floor as
// issue 23 defines it (the file read once into one reused 8 MiB buffer, plus the output, one float64 per
// event, allocated and touched once; the floor is faster than readFileSync, which faults in 1.2 GB). Each
// measurement runs in its own process so its peak RSS is its own; --runs N repeats the measurements and
// prints each run's ratios (the machine's load average beside them: other processes on a shared machine
// move the figures). The load runs with its helper thread (the default) and, as a second measurement,
// with helperThread: false. The folder is generated once under os.tmpdir() and reused.
// Usage: node bench/mountainsort/run.mjs [--spikes N] [--units N] [--runs N]   (run `npx tsc -b packages/format-mountainsort` first)
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { childMode, cliArgs, describeLoad, loadWith, mb, numberArg, runChild, timedChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 50_000_000)
const units = numberArg('--units', 500)
const runs = numberArg('--runs', 1)
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

/** Issue 23's floor: the bytes read once into one reused buffer, the output (one float64 per event) touched once. */
function floor() {
  const buffer = Buffer.allocUnsafe(8 << 20)
  const fd = openSync(join(folder, 'firings.mda'), 'r')
  let bytes = 0
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) bytes += n
  closeSync(fd)
  const out = new Float64Array(spikes)
  for (let i = 0; i < spikes; i++) out[i] = i
  return bytes + out[spikes - 1] - (spikes - 1)
}

if (mode) {
  await timedChild(async () => {
    let check
    if (mode === 'raw') {
      check = readFileSync(join(folder, 'firings.mda')).length
    } else if (mode === 'floor') {
      check = floor()
    } else {
      const { registerMountainsort } = await import('@spikes/format-mountainsort')
      const sd = await loadWith(folder, 'mountainsort', registerMountainsort, { helperThread: mode === 'load' })
      check = describeLoad(sd)
    }
    return check
  })
}

const t0 = performance.now()
generate()
const genMs = performance.now() - t0
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
const line = (name, r) => `  ${name.padEnd(22)} ${r.ms.toFixed(0).padStart(5)} ms (CPU ${r.cpuMs.toFixed(0)} ms)   peak RSS ${mb(r.peakBytes)}`
const ratio = (a, b) => `time ${(a.ms / b.ms).toFixed(2)}x   CPU ${(a.cpuMs / b.cpuMs).toFixed(2)}x   peak RSS ${(a.peakBytes / b.peakBytes).toFixed(2)}x`
console.log(`bench/mountainsort: ${spikes.toLocaleString('en-US')} float64 events in ${units} labels (${folder}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
run('raw') // warm the page cache so every measurement reads from memory
const ratios = []
for (let r = 1; r <= runs; r++) {
  const load1 = loadavg()[0]
  const raw = run('raw')
  const load = run('load')
  const alone = run('load-one-thread')
  const floorRun = run('floor')
  if (runs > 1) console.log(`run ${r} (load average ${load1.toFixed(2)})`)
  console.log(`${line('load', load)}   (${load.check})`)
  console.log(`${line('load, one thread', alone)}   (helperThread: false)`)
  console.log(`${line('raw read of the file', raw)}   (${raw.check} bytes)`)
  console.log(`${line('floor (issue 23)', floorRun)}   (reused 8 MiB buffer, output touched once)`)
  console.log(`  ratio load / raw read  ${ratio(load, raw)}`)
  console.log(`  ratio load / floor     ${ratio(load, floorRun)}`)
  console.log(`  one thread / raw read  ${ratio(alone, raw)}`)
  ratios.push(load.ms / raw.ms)
}
const met = ratios.filter((x) => x <= 2).length
const median = ratios.slice().sort((a, b) => a - b)[Math.floor((runs - 1) / 2)]
const detail = runs > 1 ? ` (met in ${met} of ${runs} runs; ratios ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${median.toFixed(2)})` : ''
console.log(`  target                 time within 2x of the raw read: ${met === runs ? 'met' : 'NOT met'}${detail}`)

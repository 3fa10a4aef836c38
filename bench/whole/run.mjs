#!/usr/bin/env node
// bench/whole: whole commands as a user runs them, side by side in one run — `spikes inspect` against
// SpikeLab's own loader, what a numpy/h5py-fluent user writes, and the floor (the same bytes read into one
// reused buffer plus the output touched once). Median wall time of --runs runs and peak RSS, each command a
// process of its own (GNU time). Inputs and peers come from ../shared/tools/peers (Debian's python3-numpy
// and python3-h5py); a peer that cannot run here is skipped with a note. CI runs no timing.
// Usage: node bench/whole/run.mjs [kilosort] [nwb] [--runs 3]   (npm run build first)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { numberArg, tmpPath } from '../lib.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PEERS = join(ROOT, '..', 'shared', 'tools', 'peers')
const PYTHON = '/usr/bin/python3'
const SPIKES = join(ROOT, 'packages', 'cli', 'bin', 'spikes.js')
const FLOOR = fileURLToPath(new URL('./floor.mjs', import.meta.url))
const runs = numberArg('--runs', 3)
const asked = process.argv.slice(2).filter((a) => !a.startsWith('--') && !/^\d+$/.test(a))
const workloads = asked.length ? asked : ['kilosort', 'nwb']

const pythonOk = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, h5py'], { stdio: 'ignore' }).status === 0
if (!pythonOk) console.log(`note: ${PYTHON} lacks numpy/h5py (apt-get install python3-numpy python3-h5py): inputs and peers are skipped`)
if (!existsSync(join(ROOT, 'packages', 'cli', 'dist', 'main.js'))) throw new Error('build first: npm run build')

/** Median wall seconds and peak RSS (MB) of `argv` over `runs` runs, or a reason it could not run. */
function time(argv) {
  const walls = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 })
    if (r.status !== 0) return { error: (r.stderr || '').trim().split('\n').slice(-2).join(' ').slice(0, 200) }
    const [wall, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
    walls.push(wall)
    rss = Math.max(rss, kb / 1024)
  }
  walls.sort((a, b) => a - b)
  return { seconds: walls[Math.floor((walls.length - 1) / 2)], rssMb: rss }
}

function generate(kind, out, extra = []) {
  execFileSync(PYTHON, [join(PEERS, 'gen_bench.py'), kind, out, ...extra], { stdio: 'inherit' })
}

const WORKLOADS = {
  kilosort: () => {
    const dir = tmpPath('spikes-whole-ks50m')
    generate('kilosort', dir)
    return {
      title: 'KiloSort folder, 50 M uint64 spikes, 500 clusters',
      rows: [
        ['spikes inspect', [process.execPath, SPIKES, 'inspect', dir, '--json']],
        ['SpikeLab', [PYTHON, join(PEERS, 'peer_load.py'), 'spikelab-kilosort', dir]],
        ['numpy (argsort)', [PYTHON, join(PEERS, 'peer_load.py'), 'numpy-kilosort', dir]],
        ['floor', [process.execPath, FLOOR, 'kilosort', dir]],
      ],
      targets: (t) => [
        [`≥ 8× faster than SpikeLab`, t['SpikeLab'] / t['spikes inspect'], (r) => r >= 8],
        [`≤ 0.4× numpy's time`, t['spikes inspect'] / t['numpy (argsort)'], (r) => r <= 0.4],
      ],
      rssTarget: 600,
    }
  },
  nwb: () => {
    const file = tmpPath('spikes-whole-nwb10m.nwb')
    generate('nwb', file, ['--spikes', '10000000', '--units', '2000'])
    const spikes = readFileSync(file + '.DONE', 'utf8').split(' ')[0]
    return {
      title: 'NWB Units, 10 M spikes, 2,000 units, gzip chunks',
      rows: [
        ['spikes inspect', [process.execPath, SPIKES, 'inspect', file, '--json']],
        ['SpikeLab', [PYTHON, join(PEERS, 'peer_load.py'), 'spikelab-nwb', file]],
        ['h5py', [PYTHON, join(PEERS, 'peer_load.py'), 'h5py-nwb', file]],
        ['floor', [process.execPath, FLOOR, 'nwb', file, spikes]],
      ],
      targets: (t) => [[`≤ 0.7× h5py's time`, t['spikes inspect'] / t['h5py'], (r) => r <= 0.7]],
      rssTarget: 400,
    }
  },
}

let allMet = true
for (const name of workloads) {
  if (!WORKLOADS[name]) throw new Error(`unknown workload ${name} (kilosort, nwb)`)
  if (!pythonOk) continue
  const w = WORKLOADS[name]()
  console.log(`\n=== ${w.title} (median of ${runs}) ===`)
  const seconds = {}
  let ours
  for (const [label, argv] of w.rows) {
    const r = time(argv)
    if (r.error) {
      console.log(`  ${label.padEnd(16)} skipped: ${r.error}`)
      continue
    }
    seconds[label] = r.seconds
    if (label === 'spikes inspect') ours = r
    console.log(`  ${label.padEnd(16)} ${r.seconds.toFixed(2).padStart(7)} s  ${r.rssMb.toFixed(0).padStart(6)} MB`)
  }
  if (!ours) continue
  console.log(`  ratio to the floor: ${(ours.seconds / seconds.floor).toFixed(2)}×`)
  for (const [what, ratio, ok] of w.targets(seconds)) {
    if (!Number.isFinite(ratio)) continue
    const met = ok(ratio)
    allMet &&= met
    console.log(`  target ${what}: ${ratio.toFixed(2)} ${met ? 'met' : 'NOT met'}`)
  }
  const rssMet = ours.rssMb <= w.rssTarget
  allMet &&= rssMet
  console.log(`  target peak RSS ≤ ${w.rssTarget} MB: ${ours.rssMb.toFixed(0)} MB ${rssMet ? 'met' : 'NOT met'}`)
}
console.log(`\n${allMet ? 'every target met' : 'some targets not met'}`)

#!/usr/bin/env node
// bench/run.mjs: runs the benchmarks (bench/<name>/run.mjs) one after another, each in its own Node
// process with its output shown as it comes, then prints one summary line per bench (exit status, wall
// time). Exits 1 when any bench failed, 2 on a bad command line.
// Usage: node bench/run.mjs [name ...] [--spikes N] [--units N]   (or npm run bench -- ...; build first)
// --spikes/--units are passed to every bench run; without them each bench uses its own default sizes.
// bench/dandi reads them as the size of its Units table (its 300 MB of raw data stays; see --mb there).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { numberArg } from './lib.mjs'

/** Every bench, in the order they run by default: start-up and core first, then the formats roughly by what they build on. */
const BENCHES = ['startup', 'core', 'alf', 'kilosort', 'kilosort-tsv', 'mountainsort', 'spikeinterface', 'zarr', 'pickle', 'hdf5', 'threshold', 'nwb', 'dandi', 'plexon', 'whole', 'scan']
/** Benches whose script is not <name>/run.mjs; they size their input in channels and seconds, not spikes. */
const SCRIPTS = { threshold: 'hdf5/threshold.mjs', zarr: 'spikeinterface/zarr.mjs', 'kilosort-tsv': 'kilosort/tsv.mjs' }
const PASSED = ['--spikes', '--units']
const usage = `usage: node bench/run.mjs [name ...] [--spikes N] [--units N]\nbenches: ${BENCHES.join(' ')}`

const argv = process.argv.slice(2)
const names = []
const passArgs = []
try {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const flag = PASSED.find((f) => a === f || a.startsWith(`${f}=`))
    if (flag) {
      const value = numberArg(flag, NaN, a === flag ? [a, argv[++i]] : [a])
      passArgs.push(flag, String(value))
    } else if (a === '-h' || a === '--help') {
      console.log(usage)
      process.exit(0)
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`)
    else names.push(a)
  }
} catch (e) {
  console.error(`bench/run.mjs: ${e.message}\n${usage}`)
  process.exit(2)
}
const unknown = names.filter((n) => !BENCHES.includes(n))
if (unknown.length) {
  console.error(`bench/run.mjs: unknown bench ${unknown.join(', ')}\n${usage}`)
  process.exit(2)
}

const selected = names.length ? [...new Set(names)] : BENCHES
const results = []
for (const name of selected) {
  const script = fileURLToPath(new URL(SCRIPTS[name] ?? `${name}/run.mjs`, import.meta.url))
  const args = SCRIPTS[name] ? [] : passArgs
  console.log(`\n=== bench/${SCRIPTS[name] ?? name}${args.length ? ' ' + args.join(' ') : ''} ===`)
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' })
  const seconds = (performance.now() - t0) / 1000
  const status = r.error ? `failed: ${r.error.message}` : r.signal ? `killed by ${r.signal}` : r.status === 0 ? 'ok' : `failed (exit ${r.status})`
  results.push({ name, ok: !r.error && r.status === 0, status, seconds })
}

console.log('\n=== summary ===')
for (const r of results) console.log(`  ${r.name.padEnd(9)} ${r.status.padEnd(16)} ${r.seconds.toFixed(1).padStart(7)} s`)
const failed = results.filter((r) => !r.ok).length
console.log(failed ? `${failed} of ${results.length} benches failed` : `all ${results.length} benches ok`)
process.exitCode = failed ? 1 : 0

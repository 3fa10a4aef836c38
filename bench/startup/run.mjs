#!/usr/bin/env node
// bench/startup: how long the first `spikes` command takes on a warm machine (the target of issue 16 is
// at most 0.3 s for `spikes formats`) and how many modules it loads. Median wall time of --runs runs of
// `spikes formats` and `spikes --help`, beside the floor (`node -e 0`: Node's own start); then each
// command once more under a module tracer (tools/module-trace) for the number of modules it loaded, ours
// and third-party, naming any parser module that only a load should need (h5wasm, fflate, hyparquet, ...).
// Usage: node bench/startup/run.mjs [--runs 9] [--bin path/to/spikes.js]   (npm run build first)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { numberArg } from '../lib.mjs'
import { HEAVY_MODULES, heavyIn } from '../../tools/module-trace/heavy-modules.mjs'
import { lazyButLoaded, loadedModules } from '../../tools/module-trace/trace.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const binAt = process.argv.indexOf('--bin')
/** The spikes executable: this checkout's, or another one's (`--bin ../other/packages/cli/bin/spikes.js`) to compare. */
const SPIKES = binAt > 0 ? process.argv[binAt + 1] : join(ROOT, 'packages', 'cli', 'bin', 'spikes.js')
const TARGET_SECONDS = 0.3
const runs = numberArg('--runs', 9)
if (!existsSync(join(SPIKES, '..', '..', 'dist', 'main.js'))) throw new Error('build first: npm run build')

/** Median and fastest wall seconds of `node ...args` over `runs` runs (the output is discarded). */
function wall(args) {
  const walls = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' })
    walls.push(Number(process.hrtime.bigint() - start) / 1e9)
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`)
  }
  walls.sort((a, b) => a - b)
  return { median: walls[Math.floor((walls.length - 1) / 2)], min: walls[0] }
}

const floor = wall(['-e', '0'])
console.log(`start-up, wall time of ${runs} runs (floor: node -e 0 takes ${floor.median.toFixed(3)} s, fastest ${floor.min.toFixed(3)} s)`)
console.log('command          median s  fastest s  median over floor  modules (ours + node_modules)  target (median)')
for (const argv of [['formats'], ['--help']]) {
  const { median: seconds, min } = wall([SPIKES, ...argv])
  const modules = loadedModules([SPIKES, ...argv])
  const thirdParty = modules.filter((url) => url.includes('/node_modules/')).length
  const heavy = heavyIn(modules)
  const verdict = seconds <= TARGET_SECONDS ? `≤ ${TARGET_SECONDS} s: met` : `≤ ${TARGET_SECONDS} s: MISSED`
  const count = `${modules.length} (${modules.length - thirdParty} + ${thirdParty})`
  console.log(`spikes ${argv.join(' ').padEnd(9)} ${seconds.toFixed(3).padStart(8)}  ${min.toFixed(3).padStart(9)}  ${(seconds - floor.median).toFixed(3).padStart(17)}  ${count.padEnd(29)} ${verdict}`)
  if (heavy.length) console.log(`  loaded parser modules a listing should not need: ${heavy.join(', ')}`)
  for (const { module, importer } of lazyButLoaded(modules)) console.log(`  loaded although imported lazily: ${module} (by ${importer})`)
}
console.log(`(parser modules watched: ${HEAVY_MODULES.map((m) => m.name).join(', ')})`)

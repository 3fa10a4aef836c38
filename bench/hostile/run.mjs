#!/usr/bin/env node
// bench/hostile/run.mjs: peak memory and time of every hostile input (packages/testing/src/hostile/cases.mjs),
// each loaded in a child process of its own with the format forced, so that a bomb's peak RSS is its own. Prints one
// line per case (outcome code, time, peak RSS) and the worst bomb; a case that runs past --timeout seconds is killed
// and reported as a hang. No build step: the loaders are bundled from TypeScript sources with esbuild.
//
//   node bench/hostile/run.mjs [--repo PATH] [--timeout 60] [--only ID,ID]
//
// --repo bundles the loaders of another checkout of this repository (e.g. main, for a before/after comparison; it
// needs its own `npm install`); the hostile inputs always come from this checkout's generator.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { childMode, mb, numberArg, reportChild, tmpPath } from '../lib.mjs'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const REPO = resolve(HERE, '../..')
const argv = process.argv.slice(2)
const option = (name, def) => {
  const at = argv.indexOf(name)
  return at >= 0 ? argv[at + 1] : def
}

const mode = childMode()
if (mode) {
  const [bundle, input, format, options] = [option('--bundle'), option('--input'), option('--format'), option('--options', '{}')]
  const { load } = await import(pathToFileURL(bundle).href)
  const start = performance.now()
  let outcome
  try {
    const sd = await load(input, format, JSON.parse(options))
    outcome = `loaded N=${sd.N}`
  } catch (error) {
    outcome = error?.code ?? `uncaught ${error?.name}: ${String(error?.message).slice(0, 80)}`
  }
  reportChild({ ms: performance.now() - start, outcome })
}

/**
 * Runs one case in a child process; a child still running after `timeoutS` is killed and reported as a hang. Its
 * peak RSS is sampled from /proc while it runs (Linux), so a killed child still has a figure.
 */
function runCase(args, timeoutS) {
  return new Promise((done) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let sampled = NaN
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const status = `/proc/${child.pid}/status`
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))
        if (hwm) sampled = Math.max(Number.isNaN(sampled) ? 0 : sampled, Number(hwm[1]) * 1024)
      } catch {
        // gone, or not Linux
      }
    }, 100)
    let hung = false
    const timer = setTimeout(() => ((hung = true), child.kill('SIGKILL')), timeoutS * 1000)
    child.on('close', (code, signal) => {
      clearInterval(poll)
      clearTimeout(timer)
      const ms = performance.now() - started
      if (hung) return done({ ms, peakBytes: sampled, outcome: `hang (killed after ${timeoutS} s)` })
      try {
        done(JSON.parse(stdout.trimEnd().split('\n').pop()))
      } catch {
        done({ ms, peakBytes: sampled, outcome: signal ? `killed (${signal})` : `crashed (exit ${code}): ${stderr.trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-3).join(' ').slice(0, 120)}` })
      }
    })
  })
}

/** Bundles the loaders of `repo` (its TypeScript sources) into one ESM file; other packages stay external. */
async function bundleLoaders(repo, out) {
  const { build } = await import('esbuild')
  const entry = `
    import { container, loadSpikeData } from '@spikes/core'
    import '@spikes/core/node'
    ${['nwb', 'hdf5', 'kilosort', 'pickle', 'spikeinterface', 'ibl'].map((f) => `import { register${f === 'hdf5' ? 'Hdf5' : f === 'nwb' ? 'Nwb' : f === 'ibl' ? 'Ibl' : f[0].toUpperCase() + f.slice(1)} } from '@spikes/format-${f}'`).join('\n')}
    const c = container.createChildContainer()
    for (const r of [registerNwb, registerHdf5, registerKilosort, registerPickle, registerSpikeinterface, registerIbl]) r(c)
    export const load = (input, format, options) => loadSpikeData(input, { container: c, format, options })
  `
  const spikesSource = {
    name: 'spikes-source',
    setup(b) {
      b.onResolve({ filter: /^@spikes\/[^/]+(\/.*)?$/ }, (args) => {
        const [, pkg, sub] = /^@spikes\/([^/]+)(\/.*)?$/.exec(args.path)
        const dir = join(repo, 'packages', pkg)
        const exports = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports
        const target = exports[sub ? `.${sub}` : '.']
        const file = typeof target === 'string' ? target : target?.['@spikes/source'] ?? target?.default
        return file ? { path: join(dir, file) } : undefined
      })
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@spikes/') || args.path.startsWith('#') ? undefined : { path: args.path, external: true }))
    },
  }
  await build({ stdin: { contents: entry, resolveDir: REPO, loader: 'js' }, bundle: true, platform: 'node', format: 'esm', outfile: out, plugins: [spikesSource], logLevel: 'error', conditions: ['@spikes/source'] })
}

const repo = resolve(option('--repo', REPO))
const timeoutS = numberArg('--timeout', 60)
const only = option('--only')?.split(',')
const work = tmpPath('spikes-hostile-bench')
// The bundle lives under the bundled checkout's node_modules so that its external imports (h5wasm, fflate, ...) resolve.
const bundle = join(repo, 'node_modules', '.cache', 'spikes-hostile', 'loaders.mjs')
mkdirSync(work, { recursive: true })
mkdirSync(join(bundle, '..'), { recursive: true })
await bundleLoaders(repo, bundle)
const { HOSTILE_CASES, buildHostileCase } = await import('../../packages/testing/src/hostile/cases.mjs')
rmSync(join(work, 'cases'), { recursive: true, force: true })

console.log(`hostile inputs against ${repo} (timeout ${timeoutS} s per case)`)
let worst
for (const c of HOSTILE_CASES) {
  if (only && !only.includes(c.id)) continue
  if (c.posix && process.platform === 'win32') continue
  const { input, options } = await buildHostileCase(c, join(work, 'cases'))
  const expected = c.error ? c.error.code : `loaded N=${c.loads.N}`
  const args = [fileURLToPath(import.meta.url), `--child=${c.id}`, '--bundle', bundle, '--input', input, '--format', c.format, '--options', JSON.stringify(options ?? {})]
  const report = await runCase(args, timeoutS)
  const ok = report.outcome === expected ? 'ok  ' : 'DIFF'
  console.log(`${ok} ${c.klass.padEnd(9)} ${c.id.padEnd(30)} ${String(report.outcome).padEnd(28)} ${report.ms.toFixed(0).padStart(7)} ms  peak RSS ${Number.isFinite(report.peakBytes) ? mb(report.peakBytes) : '-'}${ok === 'ok  ' ? '' : `  (expected ${expected})`}`)
  if (c.klass === 'bombs' && c.error && (!worst || report.ms * (report.peakBytes || 1) > worst.ms * (worst.peakBytes || 1))) worst = { id: c.id, ...report }
}
if (worst) console.log(`worst bomb (peak RSS x time): ${worst.id}, ${Number.isFinite(worst.peakBytes) ? mb(worst.peakBytes) : 'no report'} peak RSS, ${worst.ms.toFixed(0)} ms (${worst.outcome})`)

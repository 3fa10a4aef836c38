// ALF loader benchmark: an ALF folder of 50 million spikes in 1,000 clusters (spikes.times <f8,
// spikes.clusters <u4), loaded in a child process; prints load time, peak RSS and the ratio to a raw read.
// Build first: npx tsc -b packages/format-ibl
// Usage: node bench/alf/run.mjs [--spikes N] [--units N]   (--units: clusters)
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, npyHeader, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const N_SPIKES = numberArg('--spikes', 50_000_000)
const N_CLUSTERS = numberArg('--units', 1000)
const DURATION_S = 3600
const dir = tmpPath(`spikes-bench-alf-${N_SPIKES}-${N_CLUSTERS}`)

function generate() {
  if (existsSync(join(dir, 'spikes.clusters.npy'))) return
  mkdirSync(dir, { recursive: true })
  const CH = 1 << 20
  const tPath = join(dir, 'spikes.times.npy.tmp')
  const cPath = join(dir, 'spikes.clusters.npy.tmp')
  const tf = openSync(tPath, 'w')
  const cf = openSync(cPath, 'w')
  writeSync(tf, npyHeader('<f8', N_SPIKES))
  writeSync(cf, npyHeader('<u4', N_SPIKES))
  const t = new Float64Array(CH)
  const c = new Uint32Array(CH)
  let seed = 12345
  for (let start = 0; start < N_SPIKES; start += CH) {
    const n = Math.min(CH, N_SPIKES - start)
    for (let i = 0; i < n; i++) {
      t[i] = ((start + i) * DURATION_S) / N_SPIKES
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
      c[i] = seed % N_CLUSTERS
    }
    writeSync(tf, new Uint8Array(t.buffer, 0, n * 8))
    writeSync(cf, new Uint8Array(c.buffer, 0, n * 4))
  }
  closeSync(tf)
  closeSync(cf)
  renameSync(tPath, join(dir, 'spikes.times.npy'))
  renameSync(cPath, join(dir, 'spikes.clusters.npy'))
}

const mode = childMode()
if (mode) {
  const t0 = performance.now()
  if (mode === 'raw') {
    const a = readFileSync(join(dir, 'spikes.times.npy'))
    const b = readFileSync(join(dir, 'spikes.clusters.npy'))
    reportChild({ ms: performance.now() - t0, bytes: a.length + b.length })
  }
  const { alfLoader } = await import('@spikes/format-ibl')
  const { directorySource } = await import('@spikes/core/node')
  const sd = await alfLoader.load(await directorySource(dir), { trials: false }, { warn: () => {}, progress: () => {} })
  reportChild({ ms: performance.now() - t0, N: sd.N, spikes: sd.times.length })
}

const g0 = performance.now()
generate()
const genMs = performance.now() - g0
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes: N_SPIKES, units: N_CLUSTERS }))
run('raw') // warm the page cache
const raw = run('raw')
const alf = run('alf')
const gb = (bytes) => (bytes / 2 ** 30).toFixed(2) // GiB, as this bench has always printed
console.log(`input: ${dir} (${N_SPIKES} spikes, ${N_CLUSTERS} clusters; ${(raw.bytes / 1e6).toFixed(0)} MB${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
console.log(`alf load: ${(alf.ms / 1000).toFixed(2)} s, peak RSS ${gb(alf.peakBytes)} GB (N=${alf.N}, spikes=${alf.spikes}) [targets: <= 3 s, <= 1.2 GB]`)
console.log(`raw read (readFileSync of both files): ${(raw.ms / 1000).toFixed(2)} s, peak RSS ${gb(raw.peakBytes)} GB`)
console.log(`ratio load/raw: time ${(alf.ms / raw.ms).toFixed(2)}x, RSS ${(alf.peakBytes / raw.peakBytes).toFixed(2)}x`)

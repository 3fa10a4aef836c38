// ALF loader benchmark: an ALF folder of 50 million spikes in 1,000 clusters (spikes.times <f8,
// spikes.clusters <u4), loaded in a child process; prints load time, peak RSS and the ratio to a raw read.
// Build first: npx tsc -b packages/format-ibl
import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const N_SPIKES = Number(process.env.ALF_BENCH_SPIKES ?? 50_000_000)
const N_CLUSTERS = 1000
const DURATION_S = 3600
const dir = join(tmpdir(), `spikes-bench-alf-${N_SPIKES}`)

function npyHeader(descr, n) {
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${n},), }`
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n'
  const out = Buffer.alloc(10 + h.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  out.writeUInt16LE(h.length, 8)
  out.write(h, 10, 'latin1')
  return out
}

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

async function child(mode) {
  const t0 = performance.now()
  if (mode === 'raw') {
    const a = readFileSync(join(dir, 'spikes.times.npy'))
    const b = readFileSync(join(dir, 'spikes.clusters.npy'))
    const ms = performance.now() - t0
    process.stdout.write(JSON.stringify({ ms, rssKiB: process.resourceUsage().maxRSS, bytes: a.length + b.length }))
    return
  }
  const { alfLoader } = await import('@spikes/format-ibl')
  const { directorySource } = await import('@spikes/core/node')
  const sd = await alfLoader.load(await directorySource(dir), { trials: false }, { warn: () => {}, progress: () => {} })
  const ms = performance.now() - t0
  process.stdout.write(JSON.stringify({ ms, rssKiB: process.resourceUsage().maxRSS, N: sd.N, spikes: sd.times.length }))
}

if (process.argv[2] === '--child') {
  await child(process.argv[3])
} else {
  const g0 = performance.now()
  generate()
  const genMs = performance.now() - g0
  const self = fileURLToPath(import.meta.url)
  const run = (mode) => JSON.parse(execFileSync(process.execPath, [self, '--child', mode], { encoding: 'utf8', maxBuffer: 1 << 20 }))
  run('raw') // warm the page cache
  const raw = run('raw')
  const alf = run('alf')
  const gb = (kib) => (kib / 1024 / 1024).toFixed(2)
  console.log(`input: ${dir} (${N_SPIKES} spikes, ${N_CLUSTERS} clusters; ${(raw.bytes / 1e6).toFixed(0)} MB${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
  console.log(`alf load: ${(alf.ms / 1000).toFixed(2)} s, peak RSS ${gb(alf.rssKiB)} GB (N=${alf.N}, spikes=${alf.spikes}) [targets: <= 3 s, <= 1.2 GB]`)
  console.log(`raw read (readFileSync of both files): ${(raw.ms / 1000).toFixed(2)} s, peak RSS ${gb(raw.rssKiB)} GB`)
  console.log(`ratio load/raw: time ${(alf.ms / raw.ms).toFixed(2)}x, RSS ${(alf.rssKiB / raw.rssKiB).toFixed(2)}x`)
}

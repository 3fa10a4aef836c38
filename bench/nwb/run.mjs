// NWB loader benchmark: 10 million spikes in 2,000 units, gzip-chunked spike_times, an electrodes
// table. Build first: npx tsc -b packages/format-nwb. Run: node bench/nwb/run.mjs
// The file is generated once under os.tmpdir() (deterministic) and reused. Each measurement runs in
// its own child process so that peak RSS belongs to it alone.
import { execFileSync } from 'node:child_process'
import { existsSync, renameSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seededRandom } from '../../tools/seeded-random.mjs'

const UNITS = 2000
const SPIKES = 10_000_000
const CHANNELS = 384
const DURATION_S = 3600
const FILE = join(tmpdir(), `spikes-bench-nwb-${UNITS}u-${SPIKES}s-v1.nwb`)
const SELF = fileURLToPath(import.meta.url)

async function generate() {
  const { SpikeData } = await import('@spikes/core')
  const { exportNwb } = await import('@spikes/format-nwb')
  const r = seededRandom(42)
  // Unit sizes proportional to random weights, summing exactly to SPIKES.
  const weights = Array.from({ length: UNITS }, () => 0.2 + r())
  const total = weights.reduce((a, b) => a + b, 0)
  const offsets = new Float64Array(UNITS + 1)
  for (let i = 0; i < UNITS; i++) offsets[i + 1] = i === UNITS - 1 ? SPIKES : offsets[i] + Math.floor((weights[i] / total) * SPIKES)
  const times = new Float64Array(SPIKES)
  for (let i = 0; i < UNITS; i++) {
    const n = offsets[i + 1] - offsets[i]
    const mean = (DURATION_S * 1e3) / (n + 1)
    let t = 0
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      t += -Math.log(1 - r()) * mean
      times[k] = Math.min(t, DURATION_S * 1e3)
    }
  }
  const neuronAttributes = Array.from({ length: UNITS }, (_, i) => {
    const ch = (i * 7) % CHANNELS
    return { unit_id: i, electrode: ch, location: [(ch % 4) * 16, Math.floor(ch / 4) * 20, 0], location_label: 'CA1', group_name: 'shank0', quality: i % 5 ? 'good' : 'mua', firing_rate: (offsets[i + 1] - offsets[i]) / DURATION_S }
  })
  const sd = new SpikeData({ times, offsets, lengthMs: DURATION_S * 1e3, neuronAttributes, metadata: { identifier: 'bench', session_start_time: '2024-01-01T00:00:00+00:00' } })
  // No JSON copy of the attributes: the loader resolves electrodes and columns as for any NWB file.
  const partial = `${FILE}.partial`
  await exportNwb(sd, partial, { attributesJson: false, objectIdSeed: 'bench', fileCreateDate: '2024-01-01T00:00:00+00:00', gzip: 4, chunkSize: 1 << 18 })
  renameSync(partial, FILE)
}

async function child(mode) {
  const t0 = performance.now()
  if (mode === 'load') {
    const { container, loadSpikeData } = await import('@spikes/core')
    await import('@spikes/core/node')
    const { registerNwb } = await import('@spikes/format-nwb')
    const c = container.createChildContainer()
    registerNwb(c)
    const t1 = performance.now()
    const sd = await loadSpikeData(FILE, { format: 'nwb', container: c })
    const ms = performance.now() - t1
    if (sd.N !== UNITS || sd.totalSpikes !== SPIKES) throw new Error(`loaded ${sd.N} units / ${sd.totalSpikes} spikes`)
    process.stdout.write(JSON.stringify({ ms, rssKiB: process.resourceUsage().maxRSS, importMs: t1 - t0 }))
  } else {
    const { openHdf5 } = await import('@spikes/hdf5')
    const t1 = performance.now()
    const f = await openHdf5(FILE)
    const st = f.dataset('/units/spike_times').readNumeric()
    const ix = f.dataset('/units/spike_times_index').readNumeric()
    await f.close()
    const ms = performance.now() - t1
    if (st.length !== SPIKES || ix.length !== UNITS) throw new Error('raw read sizes differ')
    process.stdout.write(JSON.stringify({ ms, rssKiB: process.resourceUsage().maxRSS, importMs: t1 - t0 }))
  }
}

function run(mode) {
  return JSON.parse(execFileSync(process.execPath, [SELF, '--child', mode], { encoding: 'utf8', maxBuffer: 1 << 20 }))
}

const at = process.argv.indexOf('--child')
if (at >= 0) {
  await child(process.argv[at + 1])
} else {
  if (!existsSync(FILE)) {
    const t = performance.now()
    await generate()
    console.log(`generated ${FILE} (${(statSync(FILE).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1e3).toFixed(1)} s`)
  }
  const raw = run('raw')
  const load = run('load')
  console.log(`nwb load: ${UNITS} units, ${SPIKES} spikes, ${(statSync(FILE).size / 1e6).toFixed(1)} MB gzip-chunked`)
  console.log(`load time: ${(load.ms / 1e3).toFixed(2)} s (target <= 3 s)`)
  console.log(`peak RSS: ${(load.rssKiB / 1024).toFixed(0)} MB (target <= 800 MB)`)
  console.log(`raw read of spike_times + spike_times_index: ${(raw.ms / 1e3).toFixed(2)} s, peak RSS ${(raw.rssKiB / 1024).toFixed(0)} MB`)
  console.log(`ratio load / raw read: ${(load.ms / raw.ms).toFixed(2)}`)
}

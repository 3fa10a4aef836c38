// NWB loader benchmark: 10 million spikes in 2,000 units, gzip-chunked spike_times, an electrodes
// table. Build first: npx tsc -b packages/format-nwb. Run: node bench/nwb/run.mjs [--spikes N] [--units N]
// The file is generated once under os.tmpdir() (deterministic) and reused. Each measurement runs in
// its own child process so that peak RSS belongs to it alone.
import { existsSync, renameSync, statSync } from 'node:fs'
import { seededRandom } from '../../tools/seeded-random.mjs'
import { childMode, cliArgs, loadWith, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const UNITS = numberArg('--units', 2000)
const SPIKES = numberArg('--spikes', 10_000_000)
const CHANNELS = 384
const DURATION_S = 3600
const FILE = tmpPath(`spikes-bench-nwb-${UNITS}u-${SPIKES}s-v1.nwb`)

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
    const { registerNwb } = await import('@spikes/format-nwb')
    await import('@spikes/core/node') // imports outside the timed load, as importMs
    const t1 = performance.now()
    const sd = await loadWith(FILE, 'nwb', registerNwb)
    const ms = performance.now() - t1
    if (sd.N !== UNITS || sd.totalSpikes !== SPIKES) throw new Error(`loaded ${sd.N} units / ${sd.totalSpikes} spikes`)
    reportChild({ ms, importMs: t1 - t0 })
  } else {
    const { openHdf5 } = await import('@spikes/hdf5')
    const t1 = performance.now()
    const f = await openHdf5(FILE)
    const st = f.dataset('/units/spike_times').readNumeric()
    const ix = f.dataset('/units/spike_times_index').readNumeric()
    await f.close()
    const ms = performance.now() - t1
    if (st.length !== SPIKES || ix.length !== UNITS) throw new Error('raw read sizes differ')
    reportChild({ ms, importMs: t1 - t0 })
  }
}

const mode = childMode()
if (mode) await child(mode)

if (!existsSync(FILE)) {
  const t = performance.now()
  await generate()
  console.log(`generated ${FILE} (${(statSync(FILE).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1e3).toFixed(1)} s`)
}
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes: SPIKES, units: UNITS }))
const raw = run('raw')
const load = run('load')
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0) // MiB, as this bench has always printed
console.log(`nwb load: ${UNITS} units, ${SPIKES} spikes, ${(statSync(FILE).size / 1e6).toFixed(1)} MB gzip-chunked`)
console.log(`load time: ${(load.ms / 1e3).toFixed(2)} s (target <= 3 s)`)
console.log(`peak RSS: ${mib(load.peakBytes)} MB (target <= 800 MB)`)
console.log(`raw read of spike_times + spike_times_index: ${(raw.ms / 1e3).toFixed(2)} s, peak RSS ${mib(raw.peakBytes)} MB`)
console.log(`ratio load / raw read: ${(load.ms / raw.ms).toFixed(2)}`)

// Scan benchmark: a dandiset of many NWB assets (each ~33 MB: raw traces, then a Units table of ~2.2 MB)
// served by the DANDI API emulator on 127.0.0.1 as a remote archive would (20 ms added to every response,
// each response paced to 40 MB/s). Measures `scan()` with --jobs 1 and --jobs 2 (throughput ratio), the bytes
// fetched per asset against the Units table's stored bytes, peak RSS per worker for 10 and for all assets,
// and, in the same run, the peer: each asset downloaded whole and its units read with h5py over 2 threads
// (/usr/bin/python3; skipped with a note when h5py is missing). Runs from the TypeScript sources (no build).
//
// Build first for figures that match an installed CLI: npx tsc -b packages/scan packages/format-dandi packages/format-nwb
//   node bench/scan/run.mjs [--assets 60] [--mb 33] [--units 100] [--spikes 270000] [--latency 20] [--mbps 40]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { register } from 'node:module'
import { join } from 'node:path'
import { mb, numberArg, tmpPath } from '../lib.mjs'

// The built packages when present (`npx tsc -b packages/scan packages/format-dandi ...`: workers then start
// without transpiling), else the sources; the emulator (private @spikes/testing) always runs from source.
const built = existsSync(new URL('../../packages/scan/dist/index.js', import.meta.url))
register('../../tools/ts-run/hooks.mjs', import.meta.url)
const { makeNwb, startDandiEmulator } = await import('../../packages/testing/src/index.ts')
const { scan } = await import(built ? '../../packages/scan/dist/index.js' : '../../packages/scan/src/index.ts')
console.log(`scan from ${built ? 'packages/scan/dist (built)' : 'the TypeScript sources (build for faster worker start-up)'}`)

const assets = numberArg('--assets', 60)
const assetMb = numberArg('--mb', 33)
const units = numberArg('--units', 100)
const spikes = numberArg('--spikes', 270_000) // 2.16 MB of float64 spike times
const latencyMs = numberArg('--latency', 20)
const mbps = numberArg('--mbps', 40)
const perWorker = numberArg('--max-requests', 4)
const channels = 64
const unitsBytes = spikes * 8 + units * 8 * 2 // spike_times + spike_times_index + id
// Whole chunks of raw samples (HDF5 allocates every chunk in full), so the asset is the size asked for.
const rawChunk = 30000
const rawSamples = Math.max(0, Math.round((assetMb * 1e6 - unitsBytes) / (channels * 2 * rawChunk))) * rawChunk

const dir = tmpPath('spikes-bench-scan')
mkdirSync(dir, { recursive: true })
const files = []
const generating = performance.now()
for (let i = 0; i < assets; i++) {
  const file = join(dir, `asset-${rawSamples}x${channels}-${units}u-${spikes}s-${i}.nwb`)
  if (!existsSync(file)) await makeNwb(file, { units, spikes, durationS: Math.max(1, rawSamples / 30000), channels, rawSamples, rate: 30000, rawChunk, seed: 1000 + i })
  files.push(file)
}
console.log(`${assets} assets of ${mb(statSync(files[0]).size)} (units table ${mb(unitsBytes)}) ready in ${((performance.now() - generating) / 1000).toFixed(1)} s`)

const path = (i) => `sub-${String(i).padStart(3, '0')}/sub-${String(i).padStart(3, '0')}_ecephys.nwb`
const emulator = await startDandiEmulator({
  latencyMs,
  bytesPerSecond: mbps * 1e6,
  dandisets: {
    '000100': { assets: files.map((file, i) => ({ path: path(i), file })) },
    '000010': { assets: files.slice(0, 10).map((file, i) => ({ path: path(i), file })) },
  },
})

async function timedScan(label, dandiset, jobs) {
  const out = join(dir, `out-${label}`)
  rmSync(out, { recursive: true, force: true })
  const summary = await scan({ sources: [`dandi://${dandiset}`], out, jobs, maxRequests: perWorker, apiBase: emulator.apiBase })
  const peak = Math.max(...summary.workers.map((w) => w.peakRssBytes))
  const cpu = summary.workers.reduce((sum, w) => sum + w.cpuSeconds, 0)
  const requests = summary.recordings ? (await readRequests(join(out, 'recordings.parquet'))) / summary.recordings : 0
  console.log(`${label.padEnd(22)} ${summary.seconds.toFixed(2).padStart(6)} s   ${summary.recordings} assets (${summary.failed} failed)   ${(summary.recordings / summary.seconds).toFixed(2)} assets/s   fetched ${mb(summary.bytes)} (${mb(summary.bytes / summary.recordings)} per asset)   peak RSS per worker ${mb(peak)}   worker CPU ${cpu.toFixed(1)} s (${(cpu / summary.recordings).toFixed(2)} s per asset)   ${requests.toFixed(1)} requests per asset`)
  // A failed asset is reported, not fatal: the figures of the others still stand, and the failure is news.
  if (summary.failed) console.log(`  ${summary.failed} asset(s) failed; their error rows are in ${out}/recordings.parquet`)
  return { ...summary, peak }
}

/** Sum of the `requests` column (HTTP requests per asset, DANDI API requests included). */
async function readRequests(path) {
  const { parquetReadObjects } = await import('hyparquet')
  const bytes = readFileSync(path)
  const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), columns: ['requests'] })
  return rows.reduce((sum, r) => sum + Number(r.requests ?? 0), 0)
}

let peer
try {
  execFileSync('/usr/bin/python3', ['-c', 'import h5py'], { stdio: 'ignore' })
  const text = execFileSync('/usr/bin/python3', [new URL('peer_download_h5py.py', import.meta.url).pathname, emulator.apiBase, '000100', '2', join(dir, 'peer')], { encoding: 'utf8', maxBuffer: 1 << 20 })
  peer = JSON.parse(text.trim().split('\n').pop())
  console.log(`${'peer download+h5py x2'.padEnd(22)} ${peer.seconds.toFixed(2).padStart(6)} s   ${peer.assets} assets   ${(peer.assets / peer.seconds).toFixed(2)} assets/s   fetched ${mb(peer.bytes)}`)
} catch (error) {
  console.log(`peer skipped: /usr/bin/python3 with h5py is needed (${error.message.split('\n')[0]})`)
}

const few = await timedScan('scan --jobs 1 (10)', '000010', 1)
const one = await timedScan('scan --jobs 1', '000100', 1)
const two = await timedScan('scan --jobs 2', '000100', 2)
await emulator.close()

const perAsset = two.bytes / two.recordings
console.log('')
console.log(`bytes fetched per asset / units stored bytes: ${(perAsset / unitsBytes).toFixed(2)} (goal <= 1.5)`)
if (peer) console.log(`speed vs download whole + h5py over 2 threads: ${(peer.seconds / two.seconds).toFixed(2)}x (goal >= 10)`)
console.log(`throughput --jobs 2 / --jobs 1: ${(one.seconds / two.seconds).toFixed(2)} (goal >= 1.7)`)
console.log(`peak RSS per worker: ${mb(few.peak)} for 10 assets, ${mb(one.peak)} for ${assets} (jobs 1), ${mb(two.peak)} (jobs 2) (goal <= 400 MB, independent of the count)`)

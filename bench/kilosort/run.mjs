#!/usr/bin/env node
// bench/kilosort: loads a KiloSort/Phy folder of 50 million uint64 spike times in 500 clusters
// (spike_clusters.npy int32, cluster_group.tsv, channel_map.npy, channel_positions.npy) through
// loadSpikeData, against a raw read (fs.readFileSync) of the same files and the floor (the bytes read once
// into one reused buffer plus the output touched once), wall and CPU time. Each measurement runs in its
// own process so its peak RSS is its own. The folder is generated once under os.tmpdir() and reused.
// Usage: node bench/kilosort/run.mjs [--spikes N] [--units N]   (run `npx tsc -b packages/format-kilosort` first)
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, describeLoad, loadWith, mb, npyHeader, numberArg, readWhole, runChild, timedChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 50_000_000)
const units = numberArg('--units', 500)
const mode = childMode()
const folder = tmpPath(`spikes-bench-kilosort-${spikes}-${units}`)
const FS = 30000

/** Deterministic, time-ordered spikes (xorshift), written in chunks so generation stays small in memory. */
function generate() {
  if (existsSync(join(folder, 'done'))) return
  mkdirSync(folder, { recursive: true })
  const tf = openSync(join(folder, 'spike_times.npy'), 'w')
  const cf = openSync(join(folder, 'spike_clusters.npy'), 'w')
  writeSync(tf, npyHeader('<u8', [spikes]))
  writeSync(cf, npyHeader('<i4', [spikes]))
  const chunk = 1 << 20
  const t64 = new BigUint64Array(chunk)
  const t32 = new Uint32Array(t64.buffer)
  const c32 = new Int32Array(chunk)
  let x = 123456789
  let t = 0
  for (let done = 0; done < spikes; done += chunk) {
    const n = Math.min(chunk, spikes - done)
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      c32[k] = (x >>> 0) % units
      t += (x >>> 24) & 0x1f // ~16 samples apart on average: ~7.4 h at 30 kHz for 50 M spikes
      t32[2 * k] = t % 4294967296
      t32[2 * k + 1] = Math.floor(t / 4294967296)
    }
    writeSync(tf, new Uint8Array(t64.buffer, 0, n * 8))
    writeSync(cf, new Uint8Array(c32.buffer, 0, n * 4))
  }
  closeSync(tf)
  closeSync(cf)
  const channels = 384
  writeFileSync(join(folder, 'channel_map.npy'), Buffer.concat([npyHeader('<i4', [channels]), Buffer.from(Int32Array.from({ length: channels }, (_, i) => i).buffer)]))
  const pos = new Float64Array(channels * 2)
  for (let i = 0; i < channels; i++) (pos[2 * i] = (i % 2) * 32), (pos[2 * i + 1] = Math.floor(i / 2) * 20)
  writeFileSync(join(folder, 'channel_positions.npy'), Buffer.concat([npyHeader('<f8', [channels, 2]), Buffer.from(pos.buffer)]))
  const labels = ['good', 'mua', 'noise']
  writeFileSync(join(folder, 'cluster_group.tsv'), 'cluster_id\tgroup\n' + Array.from({ length: units }, (_, i) => `${i}\t${labels[i % 3]}`).join('\n') + '\n')
  writeFileSync(join(folder, 'params.py'), `dat_path = 'recording.bin'\nn_channels_dat = ${channels}\ndtype = 'int16'\noffset = 0\nsample_rate = ${FS}.\nhp_filtered = False\n`)
  writeFileSync(join(folder, 'done'), '')
}

if (mode) {
  const files = readdirSync(folder).filter((f) => f !== 'done')
  await timedChild(async () => {
    let check
    if (mode === 'raw') {
      check = readWhole(files.map((f) => join(folder, f)))
    } else if (mode === 'floor') {
      // The floor: every file's bytes read once into one reused buffer, plus the output (one float64 per spike) touched once.
      const buffer = Buffer.allocUnsafe(8 << 20)
      let bytes = 0
      for (const f of files) {
        const fd = openSync(join(folder, f), 'r')
        for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) bytes += n
        closeSync(fd)
      }
      const out = new Float64Array(spikes)
      for (let i = 0; i < spikes; i++) out[i] = i
      check = bytes
    } else {
      const { registerKilosort } = await import('@spikes/format-kilosort')
      const options = mode === 'load-filtered' ? { clusterInfoTsv: 'cluster_group.tsv' } : {}
      const sd = await loadWith(folder, 'kilosort', registerKilosort, options)
      check = describeLoad(sd)
    }
    return check
  })
}

const t0 = performance.now()
generate()
const genMs = performance.now() - t0
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
run('raw') // warm the page cache so both measurements read from memory
const raw = run('raw')
const floor = run('floor')
const load = run('load')
const filtered = run('load-filtered')
const line = (r) => `${r.ms.toFixed(0).padStart(6)} ms (CPU ${r.cpuMs.toFixed(0).padStart(5)} ms)   peak RSS ${mb(r.peakBytes)}`
console.log(`bench/kilosort: ${spikes.toLocaleString('en-US')} uint64 spike times in ${units} clusters (${folder}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
console.log(`  load, all clusters          ${line(load)}   (${load.check})`)
console.log(`  load, cluster_group filter  ${line(filtered)}   (${filtered.check})`)
console.log(`  raw read (readFileSync)     ${line(raw)}   (${raw.check} bytes)`)
console.log(`  floor (reused buffer + out) ${line(floor)}   (${floor.check} bytes)`)
console.log(`  ratio load / floor          time ${(load.ms / floor.ms).toFixed(2)}x   CPU ${(load.cpuMs / floor.cpuMs).toFixed(2)}x (steadier on a shared machine)   peak RSS ${(load.peakBytes / floor.peakBytes).toFixed(2)}x`)
console.log(`  ratio load / raw read       time ${(load.ms / raw.ms).toFixed(2)}x   CPU ${(load.cpuMs / raw.cpuMs).toFixed(2)}x`)
console.log(`  targets                     <= 3000 ms, <= 1200 MB: ${load.ms <= 3000 && load.peakBytes <= 1.2e9 ? 'met' : 'NOT met'}`)

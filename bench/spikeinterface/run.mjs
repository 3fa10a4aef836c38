#!/usr/bin/env node
// bench/spikeinterface: loads a SpikeInterface NumpyFolderSorting of 20 million spikes in 1,000 units
// (spikes.npy: the structured spike vector, three int64 fields; numpysorting_info.json; properties/channel.npy)
// through loadSpikeData, against a raw read (fs.readFileSync) of the same files. Each measurement runs in
// its own process so its peak RSS is its own. The folder is generated once under os.tmpdir() and reused.
// Usage: node bench/spikeinterface/run.mjs [--spikes N] [--units N]   (run `npx tsc -b packages/format-spikeinterface` first)
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, describeLoad, loadWith, mb, npyHeader, numberArg, readWhole, runChild, timedChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 20_000_000)
const units = numberArg('--units', 1000)
const mode = childMode()
const folder = tmpPath(`spikes-bench-spikeinterface-${spikes}-${units}`)
const FS = 30000
const SPIKE_DESCR = "[('sample_index', '<i8'), ('unit_index', '<i8'), ('segment_index', '<i8')]"

/** An .npy 1.0 header for the structured spike vector (npyHeader quotes its descr as a string). */
function structuredHeader(n) {
  let dict = `{'descr': ${SPIKE_DESCR}, 'fortran_order': False, 'shape': (${n},), }`
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n'
  const out = Buffer.alloc(10 + dict.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  out.writeUInt16LE(dict.length, 8)
  out.write(dict, 10, 'latin1')
  return out
}

/** Deterministic, time-ordered spike vector (xorshift), written in chunks so generation stays small in memory. */
function generate() {
  if (existsSync(join(folder, 'done'))) return
  mkdirSync(join(folder, 'properties'), { recursive: true })
  const f = openSync(join(folder, 'spikes.npy'), 'w')
  writeSync(f, structuredHeader(spikes))
  const chunk = 1 << 18
  const words = new Uint32Array(chunk * 6) // 3 int64 fields = 6 32-bit words per record
  let x = 88172645
  let t = 0
  for (let done = 0; done < spikes; done += chunk) {
    const n = Math.min(chunk, spikes - done)
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      t += (x >>> 24) & 0x1f
      const w = 6 * k
      words[w] = t % 4294967296
      words[w + 1] = Math.floor(t / 4294967296)
      words[w + 2] = (x >>> 0) % units
      words[w + 3] = 0
      words[w + 4] = 0 // segment 0
      words[w + 5] = 0
    }
    writeSync(f, new Uint8Array(words.buffer, 0, n * 24))
  }
  closeSync(f)
  writeFileSync(join(folder, 'numpysorting_info.json'), JSON.stringify({ sampling_frequency: FS, unit_ids: Array.from({ length: units }, (_, i) => i), num_segments: 1 }))
  writeFileSync(join(folder, 'properties', 'channel.npy'), Buffer.concat([npyHeader('<i8', [units]), Buffer.from(BigInt64Array.from({ length: units }, (_, i) => BigInt(i % 384)).buffer)]))
  writeFileSync(join(folder, 'done'), '')
}

if (mode) {
  const files = ['spikes.npy', 'numpysorting_info.json', 'properties/channel.npy']
  await timedChild(async () => {
    let check
    if (mode === 'raw') {
      check = readWhole(files.map((f) => join(folder, f)))
    } else {
      const { registerSpikeinterface } = await import('@spikes/format-spikeinterface')
      const options = mode === 'load-subset' ? { unitIds: Array.from({ length: 100 }, (_, i) => i * 10) } : {}
      const sd = await loadWith(folder, 'spikeinterface', registerSpikeinterface, options)
      check = describeLoad(sd)
    }
    return check
  })
}

if (!mode) {
  const t0 = performance.now()
  generate()
  const genMs = performance.now() - t0
  const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
  run('raw') // warm the page cache so both measurements read from memory
  const raw = run('raw')
  const load = run('load')
  const subset = run('load-subset')
  console.log(`bench/spikeinterface: NumpyFolderSorting, ${spikes.toLocaleString('en-US')} spikes in ${units} units (${folder}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
  console.log(`  load, all units             ${load.ms.toFixed(0)} ms   peak RSS ${mb(load.peakBytes)}   (${load.check})`)
  console.log(`  load, 100 units (unitIds)   ${subset.ms.toFixed(0)} ms   peak RSS ${mb(subset.peakBytes)}   (${subset.check})`)
  console.log(`  raw read of the files       ${raw.ms.toFixed(0)} ms   peak RSS ${mb(raw.peakBytes)}   (${raw.check} bytes)`)
  console.log(`  ratio load / raw read       time ${(load.ms / raw.ms).toFixed(2)}x   peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x`)
}

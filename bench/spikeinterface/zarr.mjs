#!/usr/bin/env node
// bench/spikeinterface/zarr.mjs: loads a SpikeInterface ZarrSortingExtractor of 20 million spikes in 1,000 units
// (Zarr v2 as SpikeInterface 0.100-0.102 writes it: spikes/sample_index and spikes/unit_index int64 with a Delta
// filter and Blosc zstd bit-shuffle, spikes/segment_slices, unit_ids, consolidated metadata) through loadSpikeData,
// against a raw read of the same chunk files. The store is written here with numcodecs.js and reused from os.tmpdir().
// Usage: node bench/spikeinterface/zarr.mjs [--spikes N] [--units N]   (run `npx tsc -b packages/format-spikeinterface` first)
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, describeLoad, loadWith, mb, numberArg, readWhole, runChild, timedChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 20_000_000)
const units = numberArg('--units', 1000)
const mode = childMode()
const store = tmpPath(`spikes-bench-spikeinterface-zarr-${spikes}-${units}.zarr`)
const CHUNK = 1 << 18
const BLOSC = { id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 2, blocksize: 0 }

const int64Array = (shape, chunks, compressor, filters) => ({ zarr_format: 2, shape, chunks, dtype: '<i8', compressor, fill_value: 0, order: 'C', filters })

/** Writes the store: deterministic time-ordered spikes (xorshift), chunk by chunk, Delta then Blosc as SpikeInterface does. */
async function generate() {
  if (existsSync(join(store, 'done'))) return
  const { default: Blosc } = await import('numcodecs/blosc')
  const blosc = Blosc.fromConfig(BLOSC)
  const metadata = {}
  const put = (path, value) => {
    metadata[path] = value
    writeFileSync(join(store, path), JSON.stringify(value))
  }
  for (const dir of ['', 'spikes', 'unit_ids', 'spikes/sample_index', 'spikes/unit_index', 'spikes/segment_slices', 'properties']) mkdirSync(join(store, dir), { recursive: true })
  put('.zgroup', { zarr_format: 2 })
  put('.zattrs', { sampling_frequency: 30000.0, num_segments: 1, annotations: {} })
  put('spikes/.zgroup', { zarr_format: 2 })
  put('properties/.zgroup', { zarr_format: 2 })
  put('unit_ids/.zarray', int64Array([units], [units], null, null))
  writeFileSync(join(store, 'unit_ids', '0'), new Uint8Array(BigInt64Array.from({ length: units }, (_, i) => BigInt(i)).buffer))
  put('spikes/segment_slices/.zarray', int64Array([1, 2], [1, 2], null, null))
  writeFileSync(join(store, 'spikes', 'segment_slices', '0.0'), new Uint8Array(BigInt64Array.of(0n, BigInt(spikes)).buffer))
  const delta = [{ id: 'delta', dtype: '<i8' }]
  put('spikes/sample_index/.zarray', int64Array([spikes], [CHUNK], BLOSC, delta))
  put('spikes/unit_index/.zarray', int64Array([spikes], [CHUNK], BLOSC, delta))
  const sample = new BigInt64Array(CHUNK)
  const unit = new BigInt64Array(CHUNK)
  let x = 88172645
  let t = 0
  for (let c = 0, done = 0; done < spikes; c++, done += CHUNK) {
    const n = Math.min(CHUNK, spikes - done)
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      t += (x >>> 24) & 0x1f
      sample[k] = BigInt(t)
      unit[k] = BigInt((x >>> 0) % units)
    }
    // Zarr v2 stores the last chunk whole, padded with fill_value (0); then Delta per chunk (the first value
    // as it is, then differences, as numcodecs encodes it) and Blosc.
    sample.fill(0n, n)
    unit.fill(0n, n)
    for (const [name, values] of [['sample_index', sample], ['unit_index', unit]]) {
      const encoded = new BigInt64Array(CHUNK)
      for (let k = CHUNK - 1; k > 0; k--) encoded[k] = values[k] - values[k - 1]
      encoded[0] = values[0]
      writeFileSync(join(store, 'spikes', name, String(c)), await blosc.encode(new Uint8Array(encoded.buffer)))
    }
  }
  writeFileSync(join(store, '.zmetadata'), JSON.stringify({ zarr_consolidated_format: 1, metadata }))
  writeFileSync(join(store, 'done'), '')
}

function storeFiles(dir = store, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) storeFiles(join(dir, e.name), out)
    else if (e.name !== 'done') out.push(join(dir, e.name))
  }
  return out
}

if (mode) {
  await timedChild(async () => {
    let check
    if (mode === 'raw') {
      check = readWhole(storeFiles())
    } else {
      const { registerSpikeinterface } = await import('@spikes/format-spikeinterface')
      const sd = await loadWith(store, 'spikeinterface', registerSpikeinterface, {})
      check = describeLoad(sd)
    }
    return check
  })
}

if (!mode) {
  const t0 = performance.now()
  await generate()
  const genMs = performance.now() - t0
  const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, units }))
  run('raw')
  const raw = run('raw')
  const load = run('load')
  console.log(`bench/spikeinterface/zarr: ZarrSortingExtractor, ${spikes.toLocaleString('en-US')} spikes in ${units} units (${store}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
  console.log(`  load, all units             ${load.ms.toFixed(0)} ms   peak RSS ${mb(load.peakBytes)}   (${load.check})`)
  console.log(`  raw read of the chunks      ${raw.ms.toFixed(0)} ms   peak RSS ${mb(raw.peakBytes)}   (${raw.check} bytes, compressed)`)
  console.log(`  ratio load / raw read       time ${(load.ms / raw.ms).toFixed(2)}x   peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x`)
}

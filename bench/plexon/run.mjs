#!/usr/bin/env node
// bench/plexon: loads a Plexon .plx file of 10 million spikes (64 channels × 4 units, unit 0 unsorted, a
// 16-sample waveform per spike, event blocks every 1,000 spikes) through loadSpikeData, against a raw read
// (fs.readFileSync) of the same file. Each measurement runs in its own process so its peak RSS is its own.
// The file is generated once under os.tmpdir() from Plexon's published layout (7,504-byte file header,
// 1,020-byte channel headers, 16-byte data block headers) and reused.
// Usage: node bench/plexon/run.mjs [--spikes N] [--points N]   (run `npx tsc -b packages/format-plexon` first)
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { childMode, cliArgs, describeLoad, loadWith, mb, numberArg, runChild, timedChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 10_000_000)
const points = numberArg('--points', 16)
const CHANNELS = 64
const UNITS = 4
const FREQ = 40000
const mode = childMode()
const file = tmpPath(`spikes-bench-plexon-${spikes}-${points}.plx`)

function header(lastTicks) {
  const bytes = new Uint8Array(7504 + CHANNELS * 1020 + 296)
  const v = new DataView(bytes.buffer)
  v.setUint32(0, 0x58454c50, true)
  v.setInt32(4, 106, true)
  v.setInt32(136, FREQ, true)
  v.setInt32(140, CHANNELS, true)
  v.setInt32(144, 1, true)
  v.setInt32(152, points, true)
  v.setInt32(188, FREQ, true)
  v.setFloat64(192, lastTicks, true)
  for (let c = 0; c < CHANNELS; c++) {
    const name = `sig${String(c + 1).padStart(3, '0')}`
    for (let i = 0; i < name.length; i++) bytes[7504 + c * 1020 + i] = name.charCodeAt(i)
    v.setInt32(7504 + c * 1020 + 64, c + 1, true)
  }
  v.setInt32(7504 + CHANNELS * 1020 + 32, 257, true)
  return bytes
}

/** Deterministic, time-ordered spikes (xorshift), written in 1 Mi-spike pieces. */
function generate() {
  if (existsSync(file) && statSync(file).size > 0) return
  const block = 16 + 2 * points
  const fd = openSync(file, 'w')
  const perPiece = 1 << 20
  let x = 2463534242
  let t = 0
  writeSync(fd, header(0))
  for (let done = 0; done < spikes; done += perPiece) {
    const n = Math.min(perPiece, spikes - done)
    const events = Math.floor((done + n) / 1000) - Math.floor(done / 1000)
    const buf = new Uint8Array(n * block + events * 16)
    const v = new DataView(buf.buffer)
    let at = 0
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      t += (x >>> 26) & 0x3f // ~32 ticks apart: ~2.2 h at 40 kHz for 10 M spikes
      if ((done + k) % 1000 === 0 && done + k > 0) {
        v.setInt16(at, 4, true)
        v.setUint32(at + 4, t, true)
        v.setInt16(at + 8, 257, true)
        at += 16
      }
      v.setInt16(at, 1, true)
      v.setUint16(at + 2, Math.floor(t / 4294967296), true)
      v.setUint32(at + 4, t % 4294967296, true)
      v.setInt16(at + 8, 1 + ((x >>> 8) % CHANNELS), true)
      v.setInt16(at + 10, (x >>> 16) % (UNITS + 1), true)
      v.setInt16(at + 12, 1, true)
      v.setInt16(at + 14, points, true)
      at += block
    }
    writeSync(fd, buf, 0, at)
  }
  writeSync(fd, header(t), 0, 7504, 0)
  closeSync(fd)
}

if (mode) {
  await timedChild(async () => {
    let check
    if (mode === 'raw') check = readFileSync(file).length
    else {
      const { registerPlexon } = await import('@spikes/format-plexon')
      const sd = await loadWith(file, 'plexon', registerPlexon)
      check = describeLoad(sd)
    }
    return check
  })
}

const t0 = performance.now()
generate()
const genMs = performance.now() - t0
const run = (m) => runChild(import.meta.url, m, cliArgs({ spikes, points }))
run('raw') // warm the page cache so both measurements read from memory
const raw = run('raw')
const load = run('load')
console.log(`bench/plexon: ${spikes.toLocaleString('en-US')} spikes with ${points}-sample waveforms on ${CHANNELS} channels (${file}, ${mb(statSync(file).size)}${genMs > 1000 ? `, generated in ${(genMs / 1000).toFixed(1)} s` : ''})`)
console.log(`  load                   ${load.ms.toFixed(0)} ms (CPU ${load.cpuMs.toFixed(0)} ms)   peak RSS ${mb(load.peakBytes)}   (${load.check})`)
console.log(`  raw read of the file   ${raw.ms.toFixed(0)} ms (CPU ${raw.cpuMs.toFixed(0)} ms)   peak RSS ${mb(raw.peakBytes)}   (${raw.check} bytes)`)
console.log(`  ratio load / raw read  time ${(load.ms / raw.ms).toFixed(2)}x   CPU ${(load.cpuMs / raw.cpuMs).toFixed(2)}x (steadier on a shared machine)   peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x`)
console.log(`  target                 within 2x of the raw read: ${load.ms <= 2 * raw.ms ? 'met' : 'NOT met'}`)

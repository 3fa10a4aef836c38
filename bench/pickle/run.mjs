#!/usr/bin/env node
// bench/pickle: a pickled SpikeLab SpikeData of 20 million spikes in 1,000 units (protocol 4: numpy
// _reconstruct + BUILD; protocol 5: numpy _frombuffer + BYTEARRAY8), loaded through the `pickle`
// loader, against fs.readFileSync of the same bytes. The pickles are written here in Node, opcode
// by opcode (no Python), under os.tmpdir(), and reused when present. Each measurement runs in its
// own process so peak RSS is its own.
// Usage: node bench/pickle/run.mjs [--spikes N] [--units N]   (build first: npx tsc -b packages/format-pickle)
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { childMode, cliArgs, loadWith, mb, numberArg, reportChild, runChild, tmpPath } from '../lib.mjs'

const spikes = numberArg('--spikes', 20_000_000)
const units = numberArg('--units', 1000)
const mode = childMode()
const proto = numberArg('--proto', 4) // in a child: the protocol of the pickle to read
const DIR = tmpPath('spikes-bench-pickle')
const pathFor = (p) => join(DIR, `sd-${spikes}-${units}-p${p}.pkl`)

// --- a tiny pickle writer -------------------------------------------------------------------------
class Out {
  constructor(fd) {
    this.fd = fd
    this.buf = Buffer.alloc(1 << 16)
    this.n = 0
  }
  bytes(...b) {
    for (const x of b) {
      if (this.n === this.buf.length) this.flush()
      this.buf[this.n++] = x & 0xff
    }
    return this
  }
  u32(v) {
    return this.bytes(v, v >>> 8, v >>> 16, v >>> 24)
  }
  u64(v) {
    return this.u32(v >>> 0).u32(Math.floor(v / 2 ** 32))
  }
  str(s) {
    const b = Buffer.from(s, 'utf8')
    return this.bytes(0x8c, b.length, ...b) // SHORT_BINUNICODE
  }
  float(x) {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(x)
    return this.bytes(0x47, ...b) // BINFLOAT
  }
  int(v) {
    if (v < 256) return this.bytes(0x4b, v) // BININT1
    if (v < 65536) return this.bytes(0x4d, v, v >>> 8) // BININT2
    return this.bytes(0x4a).u32(v) // BININT
  }
  raw(data) {
    this.flush()
    writeSync(this.fd, data)
    return this
  }
  flush() {
    if (this.n) writeSync(this.fd, this.buf, 0, this.n)
    this.n = 0
  }
}

/** Writes `pickle.dumps(sd, protocol)` of a SpikeLab SpikeData: NEWOBJ + BUILD with its __dict__. */
function writePickle(path, p) {
  mkdirSync(DIR, { recursive: true })
  const fd = openSync(path + '.tmp', 'w')
  const w = new Out(fd)
  let memo = 0
  const memoize = () => (w.bytes(0x94), memo++) // MEMOIZE
  const get = (i) => (i < 256 ? w.bytes(0x68, i) : w.bytes(0x6a).u32(i)) // BINGET / LONG_BINGET
  w.bytes(0x80, p) // PROTO
  w.str('spikelab.spikedata.spikedata').str('SpikeData').bytes(0x93) // STACK_GLOBAL
  memoize()
  w.bytes(0x29, 0x81) // EMPTY_TUPLE NEWOBJ
  memoize()
  w.bytes(0x7d, 0x28).str('train').bytes(0x5d, 0x28) // EMPTY_DICT MARK 'train' EMPTY_LIST MARK
  // Globals are written where first used and memoized, as Python's pickler does.
  let fn = -1
  let ndarray = -1
  let dtype = -1
  const dtypeF8 = () => {
    if (dtype >= 0) return get(dtype)
    w.str('numpy').str('dtype').bytes(0x93).str('f8').bytes(0x89, 0x88, 0x87, 0x52) // dtype('f8', False, True)
    w.bytes(0x28).int(3).str('<').bytes(0x4e, 0x4e, 0x4e).bytes(0x4a).u32(0xffffffff).bytes(0x4a).u32(0xffffffff).int(0).bytes(0x74, 0x62) // BUILD state
    dtype = memoize()
  }
  const array = (data, shape) => {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    if (fn >= 0) get(fn)
    else {
      if (p >= 5) w.str('numpy.core.numeric').str('_frombuffer')
      else w.str('numpy.core.multiarray').str('_reconstruct')
      w.bytes(0x93)
      fn = memoize()
    }
    if (p >= 5) {
      w.bytes(0x28, 0x96).u64(bytes.length).raw(bytes) // MARK BYTEARRAY8
      dtypeF8()
      w.bytes(0x28)
      for (const d of shape) w.int(d)
      w.bytes(0x74).str('C').bytes(0x74, 0x52) // shape TUPLE, 'C', TUPLE, REDUCE
      return
    }
    if (ndarray < 0) {
      w.str('numpy').str('ndarray').bytes(0x93)
      ndarray = memoize()
    } else get(ndarray)
    w.int(0).bytes(0x85).bytes(0x43, 1, 0x62).bytes(0x87, 0x52) // (0,), b'b', TUPLE3, REDUCE
    w.bytes(0x28).int(1).bytes(0x28)
    for (const d of shape) w.int(d)
    w.bytes(0x74)
    dtypeF8()
    w.bytes(0x89) // NEWFALSE (C order)
    w.bytes(0x8e).u64(bytes.length).raw(bytes) // BINBYTES8
    w.bytes(0x74, 0x62) // TUPLE BUILD
  }

  // Spike trains: increasing times with pseudo-random gaps (xorshift), one unit at a time.
  const perUnit = Math.floor(spikes / units)
  let x = 88172645
  let maxT = 0
  const train = new Float64Array(perUnit + (spikes % units))
  for (let u = 0; u < units; u++) {
    const n = perUnit + (u === units - 1 ? spikes % units : 0)
    let t = 0
    for (let k = 0; k < n; k++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      t += ((x >>> 0) % 1000) / 10 + 0.01
      train[k] = t
    }
    if (t > maxT) maxT = t
    array(train.subarray(0, n), [n])
  }
  w.bytes(0x65) // APPENDS
  w.str('start_time').float(0).str('length').float(Math.ceil(maxT)).str('N').int(units)
  w.str('raw_data')
  array(new Float64Array(0), [0, 0])
  w.str('raw_time')
  array(new Float64Array(0), [0])
  w.str('metadata').bytes(0x7d).str('neuron_attributes').bytes(0x4e)
  w.bytes(0x75, 0x62, 0x2e) // SETITEMS BUILD STOP
  w.flush()
  closeSync(fd)
  renameSync(path + '.tmp', path)
}

if (mode) {
  const path = pathFor(proto)
  const start = performance.now()
  let check
  if (mode === 'raw') {
    check = readFileSync(path).length
  } else {
    const { registerPickle } = await import('@spikes/format-pickle')
    const sd = await loadWith(path, 'pickle', registerPickle)
    check = sd.totalSpikes
    if (sd.N !== units || sd.totalSpikes !== spikes) throw new Error(`loaded ${sd.N} units / ${sd.totalSpikes} spikes`)
  }
  reportChild({ ms: performance.now() - start, check })
}

const run = (m, p) => runChild(import.meta.url, m, cliArgs({ spikes, units, proto: p }))
console.log(`bench/pickle: pickled SpikeData, ${spikes.toLocaleString('en-US')} spikes in ${units} units`)
for (const p of [4, 5]) {
  const path = pathFor(p)
  if (!existsSync(path)) {
    const t0 = performance.now()
    writePickle(path, p)
    console.log(`  wrote ${path} (${mb(statSync(path).size)}) in ${(performance.now() - t0).toFixed(0)} ms`)
  }
  const raw = run('raw', p)
  const load = run('load', p)
  console.log(`  protocol ${p}: load ${load.ms.toFixed(0)} ms   peak RSS ${mb(load.peakBytes)}   (file ${mb(statSync(path).size)})`)
  console.log(`  protocol ${p}: readFileSync ${raw.ms.toFixed(0)} ms   peak RSS ${mb(raw.peakBytes)}`)
  console.log(`  protocol ${p}: ratio time ${(load.ms / raw.ms).toFixed(2)}x   ratio peak RSS ${(load.peakBytes / raw.peakBytes).toFixed(2)}x   target <= 2000 ms ${load.ms <= 2000 ? 'met' : 'MISSED'}`)
}

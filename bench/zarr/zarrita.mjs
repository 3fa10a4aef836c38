#!/usr/bin/env node
// bench/zarr/zarrita: zarrita (with numcodecs.js) against @spikes/zarr, for the dependency decision of
// docs/dependencies.md. zarrita reads through an adapter over the same @spikes/core folders (plus its own
// FileSystemStore for speed). Correctness: every array of packages/zarr's fixtures (numpy's values in
// *.expected.json), SpikeInterface's and hdmf-zarr's real stores (compared with ours); hostility: the
// corruptions of packages/zarr/test/corrupt.test.ts, each in a child process with a time and heap limit;
// speed: the 20 M-spike SpikeInterface store of bench/spikeinterface/zarr.mjs (Delta + Blosc zstd bit-shuffle).
// Usage (zarrita is not a dependency; install it without saving):
//   npm install --no-save zarrita@0.7.5 && npx tsc -b packages/zarr && node bench/spikeinterface/zarr.mjs
//   node bench/zarr/zarrita.mjs [--spikes 20000000 --units 1000] [--repeat 3] [--arrays-only]
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { medianMs, numberArg, tmpPath } from '../lib.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DATA = join(ROOT, 'packages/zarr/test/data')
const REAL = join(ROOT, '..', 'shared', 'realdata')
const repeat = numberArg('--repeat', 3)
const zarr = await import('zarrita').catch(() => undefined)
if (!zarr) throw new Error('install zarrita first: npm install --no-save zarrita@0.7.5')
const { openZarr } = await import('@spikes/zarr')
const { directorySource } = await import('@spikes/core/node')
const { memoryFolder } = await import('@spikes/core')

/** A zarrita store over a @spikes/core folder (whole keys and byte ranges, for shards). */
function storeOf(folder) {
  const path = (key) => key.replace(/^\//, '')
  const withFile = async (key, use) => {
    if (!(await folder.exists(path(key)))) return undefined
    const source = await folder.open(path(key))
    try {
      return await use(source)
    } finally {
      await source.close()
    }
  }
  return {
    get: (key) => withFile(key, async (s) => s.read(0, await s.size())),
    getRange: (key, range) =>
      withFile(key, async (s) => {
        const size = await s.size()
        return 'suffixLength' in range ? s.read(size - range.suffixLength, range.suffixLength) : s.read(range.offset, range.length)
      }),
  }
}

/** Values in C order as the expected JSON writes them (NaN as "NaN", int64 beyond 2^53 as text, bool as 0/1). */
function plain(values, shape, stride) {
  const list = Array.from(values, (v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'bigint' ? (v > 2n ** 53n || v < -(2n ** 53n) ? String(v) : Number(v)) : typeof v === 'boolean' ? Number(v) : normal(v)))
  if (!stride || !shape.length) return list
  const out = []
  const index = new Array(shape.length).fill(0)
  const total = shape.reduce((a, b) => a * b, 1)
  for (let n = 0; n < total; n++) {
    out.push(list[index.reduce((at, i, d) => at + i * stride[d], 0)])
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0
  }
  return out
}
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? (x > 2n ** 53n || x < -(2n ** 53n) ? String(x) : Number(x)) : x))
/** A value with booleans as 0/1 and record keys sorted, so records compare whatever their field order. */
const normal = (v) => (typeof v === 'boolean' ? Number(v) : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, normal(v[k])])) : v)

async function readZarrita(folder, path) {
  const arr = await zarr.open(zarr.root(storeOf(folder)).resolve(path), { kind: 'array' })
  const { data, shape, stride } = await zarr.get(arr)
  return { shape, values: plain(data, shape, stride) }
}

async function readOurs(folder, path) {
  const { data, shape } = await (await openZarr(folder, { consolidated: false })).array(path).then((a) => a.read({ int64: 'bigint' }))
  return { shape, values: plain(data) }
}

const attempt = async (fn) => {
  try {
    return { value: await fn() }
  } catch (error) {
    return { error: `${error?.code ?? error?.name ?? 'Error'}: ${String(error?.message ?? error).split('\n')[0].slice(0, 60)}` }
  }
}

function arraysIn(dir) {
  const out = []
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue
      const p = join(d, e.name)
      if (existsSync(join(p, '.zarray')) || (existsSync(join(p, 'zarr.json')) && /"node_type"\s*:\s*"array"/.test(readFileSync(join(p, 'zarr.json'), 'utf8')))) out.push(relative(dir, p))
      else walk(p)
    }
  }
  walk(dir)
  return out.sort()
}

async function correctness() {
  const rows = []
  for (const store of readdirSync(DATA).filter((n) => n.endsWith('.zarr'))) {
    const expected = JSON.parse(readFileSync(join(DATA, `${store}.expected.json`), 'utf8')).arrays
    const folder = await directorySource(join(DATA, store))
    for (const [path, entry] of Object.entries(expected)) {
      let want = entry.values
      for (let e = entry; !want && e?.same_values_as; e = expected[e.same_values_as]) want = expected[e.same_values_as].values
      const verdict = (r) => (r.error ? r.error : json(r.value.values) === json(want?.map(normal)) && json(r.value.shape) === json(entry.shape) ? 'numpy values' : 'WRONG values')
      rows.push({ array: `${store}/${path}`, ours: verdict(await attempt(() => readOurs(folder, path))), zarrita: verdict(await attempt(() => readZarrita(folder, path))) })
    }
  }
  for (const dir of [join(REAL, 'spikeinterface/si-zarr-quality/sorting.zarr'), join(REAL, 'nwb-zarr/hdmf-zarr-0.2.0-units/units_a.nwb.zarr')]) {
    if (!existsSync(dir)) continue
    const folder = await directorySource(dir)
    for (const path of arraysIn(dir)) {
      const ours = await attempt(() => readOurs(folder, path))
      const theirs = await attempt(() => readZarrita(folder, path))
      const same = ours.value && theirs.value && json(ours.value) === json(theirs.value)
      rows.push({ array: `${relative(REAL, dir)}/${path}`, ours: ours.error ?? 'read', zarrita: theirs.error ?? (same ? 'same as ours' : ours.value ? 'DIFFERS from ours' : 'read (ours did not)') })
    }
  }
  return rows
}


// ---- hostile: corrupt.test.ts's corruptions, each read in a child with a time and heap limit ----------
const fileOf = (path) => new Uint8Array(readFileSync(join(DATA, path)))
const zarrayOf = (path) => JSON.parse(readFileSync(join(DATA, path, '.zarray'), 'utf8'))
const meta = (change) => ['dtypes.zarr', 't_le_i4', { 't_le_i4/.zarray': JSON.stringify({ ...zarrayOf('dtypes.zarr/t_le_i4'), ...change }) }]
function patched(path, patch) {
  const bytes = fileOf(path).slice()
  patch(bytes, new DataView(bytes.buffer))
  return bytes
}
const HOSTILE = {
  'negative shape': meta({ shape: [-1] }),
  'zero chunk': meta({ chunks: [0] }),
  'chunks of another rank': meta({ chunks: [5, 5] }),
  'shape 2^40 x 2^40, chunks 1 x 1': meta({ shape: [2 ** 40, 2 ** 40], chunks: [1, 1] }),
  'one chunk beyond 2 GiB': meta({ shape: [2 ** 40], chunks: [2 ** 30] }),
  'shape 2^40 (4 TiB of int32)': meta({ shape: [2 ** 40], chunks: [1024] }),
  'bad order': meta({ order: 'X' }),
  'bad dimension_separator': meta({ dimension_separator: '-' }),
  "garbled dtype 'int64'": meta({ dtype: 'int64' }),
  "odd itemsize '<i3'": meta({ dtype: '<i3' }),
  'unknown compressor bz2': meta({ compressor: { id: 'bz2' } }),
  'compressor without id': meta({ compressor: { cname: 'zstd' } }),
  'fill value of the wrong type': meta({ fill_value: 'abc' }),
  'malformed .zarray JSON': ['dtypes.zarr', 't_le_i4', { 't_le_i4/.zarray': '{"shape": [23' }],
  'Blosc chunk truncated': ['dtypes.zarr', 't_le_i4', { 't_le_i4/0': fileOf('dtypes.zarr/t_le_i4/0').subarray(0, -3) }],
  'Blosc header claims 2 GiB': ['dtypes.zarr', 't_le_i4', { 't_le_i4/0': patched('dtypes.zarr/t_le_i4/0', (_, v) => v.setUint32(4, 2 ** 31, true)) }],
  'Blosc chunk of garbage': ['dtypes.zarr', 't_le_i4', { 't_le_i4/0': new Uint8Array(40).fill(0xab) }],
  'LZ4 size prefix of 4 GiB': ['dtypes.zarr', 'grid_C_slash', { 'grid_C_slash/0/0': patched('dtypes.zarr/grid_C_slash/0/0', (_, v) => v.setUint32(0, 0xfffffffc, true)) }],
  'Zstd frame size disagrees': ['codecs.zarr', 'samples_zstd', { 'samples_zstd/0': patched('codecs.zarr/samples_zstd/0', (b) => ((b[4] = 0x20), (b[5] = 7))).subarray(0, 7) }],
  'Zstd without magic': ['codecs.zarr', 'samples_zstd', { 'samples_zstd/0': new Uint8Array(16) }],
  'Zstd truncated': ['codecs.zarr', 'samples_zstd', { 'samples_zstd/0': fileOf('codecs.zarr/samples_zstd/0').subarray(0, -10) }],
  'zlib truncated': ['codecs.zarr', 'samples_zlib', { 'samples_zlib/0': fileOf('codecs.zarr/samples_zlib/0').subarray(0, 20) }],
  'zlib garbage': ['codecs.zarr', 'samples_zlib', { 'samples_zlib/0': new Uint8Array(30).fill(0x55) }],
  'uncompressed chunk 8 bytes short': ['codecs.zarr', 'samples_none', { 'samples_none/1': fileOf('codecs.zarr/samples_none/1').subarray(8) }],
}

function filesOf(dir, base = dir, out = {}) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) filesOf(p, base, out)
    else out[relative(base, p)] = new Uint8Array(readFileSync(p))
  }
  return out
}

async function hostileChild(name, reader) {
  const [store, array, changes] = HOSTILE[name]
  const folder = memoryFolder({ ...filesOf(join(DATA, store)), ...changes }, store)
  const r = await attempt(() => (reader === 'ours' ? readOurs(folder, array) : readZarrita(folder, array)))
  return r.error ? (/^SPIKES_/.test(r.error) ? `typed error ${r.error.split(':')[0]}` : `untyped ${r.error.slice(0, 60)}`) : `ACCEPTED (${r.value.values.length} values)`
}

function inChild(args, seconds = 30) {
  const start = performance.now()
  const took = () => (seconds > 30 ? ` in ${((performance.now() - start) / 1000).toFixed(0)} s` : '')
  try {
    const out = execFileSync(process.execPath, ['--max-old-space-size=1024', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', timeout: seconds * 1000, stdio: ['ignore', 'pipe', 'pipe'] })
    return out.trim().split('\n').pop() + took()
  } catch (error) {
    return error.signal === 'SIGTERM' ? `HANG (killed after ${seconds} s)` : `CRASH (exit ${error.status ?? error.signal}: ${String(error.stderr).match(/(\w*Error[^\n]*)/)?.[1]?.slice(0, 60) ?? ''})`
  }
}

async function fuzzChild(reader) {
  const original = fileOf('codecs.zarr/samples_blosc_zstd_bitshuffle/0')
  const files = filesOf(join(DATA, 'codecs.zarr'))
  let seed = 7
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
  const counts = {}
  for (let round = 0; round < 60; round++) {
    const bytes = original.slice()
    for (let k = 0; k < 4; k++) bytes[next() % bytes.length] = next() % 256
    const folder = memoryFolder({ ...files, 'samples_blosc_zstd_bitshuffle/0': bytes }, 'codecs.zarr')
    const r = await attempt(() => (reader === 'ours' ? readOurs(folder, 'samples_blosc_zstd_bitshuffle') : readZarrita(folder, 'samples_blosc_zstd_bitshuffle')))
    const kind = r.error ? (/^SPIKES_/.test(r.error) ? 'typed error' : 'untyped error') : 'decoded'
    counts[kind] = (counts[kind] ?? 0) + 1
  }
  return Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')
}

// ---- the zarr cases of @spikes/testing's hostile suite (bombs, huge shapes, a FIFO chunk), zarrita on its FileSystemStore
const SI_ARRAYS = ['unit_ids', 'spikes/segment_slices', 'spikes/sample_index', 'spikes/unit_index']

async function testingCaseChild(dir, reader) {
  let values = 0
  for (const path of SI_ARRAYS) {
    const r = await attempt(async () => {
      if (reader === 'ours') return (await (await openZarr(await directorySource(dir), { consolidated: false })).array(path)).read()
      const { default: FileSystemStore } = await import('@zarrita/storage/fs')
      return zarr.get(await zarr.open(zarr.root(new FileSystemStore(dir)).resolve(path), { kind: 'array' }))
    })
    if (r.error) return /^SPIKES_/.test(r.error) ? `typed error ${r.error.split(':')[0]} (${path})` : `untyped ${r.error.slice(0, 50)} (${path})`
    values += r.value.data.length
  }
  return `read ${values} values`
}

async function testingCases() {
  const { HOSTILE_CASES, buildHostileCase } = await import('../../packages/testing/src/hostile/cases.mjs')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const root = mkdtempSync(join(tmpPath(''), 'spikes-zarrita-hostile-'))
  const lines = []
  try {
    // zarr-fifo-chunk is left out: the loaders' folder walk refuses special files before any Zarr reader opens one.
    for (const c of HOSTILE_CASES.filter((c) => c.id.startsWith('zarr-') && c.id !== 'zarr-fifo-chunk')) {
      const { input } = await buildHostileCase(c, root)
      const expected = c.error ? `expected ${c.error.code}` : 'expected to load'
      lines.push(`  ${c.id.padEnd(22)} (${expected.padEnd(31)}) ours: ${inChild(['--child=testing-case', '--dir', input, '--reader', 'ours'], 180).padEnd(52)} zarrita: ${inChild(['--child=testing-case', '--dir', input, '--reader', 'zarrita'], 180)}`)
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  return lines
}

// ---- speed --------------------------------------------------------------------------------------------
const median = (fn) => medianMs(fn, repeat)

async function speed() {
  const spikes = numberArg('--spikes', 20_000_000)
  const units = numberArg('--units', 1000)
  const dir = tmpPath(`spikes-bench-spikeinterface-zarr-${spikes}-${units}.zarr`)
  if (!existsSync(join(dir, 'done'))) return [`  (no ${dir}: run node bench/spikeinterface/zarr.mjs --spikes ${spikes} --units ${units} first)`]
  const { default: FileSystemStore } = await import('@zarrita/storage/fs')
  const lines = []
  for (const path of ['spikes/sample_index', 'spikes/unit_index']) {
    const ours = await median(async () => {
      const folder = await directorySource(dir)
      await (await (await openZarr(folder)).array(path)).read({ maxBytes: 2 ** 31 })
    })
    const adapter = await median(async () => zarr.get(await zarr.open(zarr.root(storeOf(await directorySource(dir))).resolve(path), { kind: 'array' })))
    const fsStore = await median(async () => zarr.get(await zarr.open(zarr.root(new FileSystemStore(dir)).resolve(path), { kind: 'array' })))
    lines.push(`  ${path.padEnd(20)} @spikes/zarr ${ours.toFixed(0)} ms   zarrita (adapter) ${adapter.toFixed(0)} ms (${(adapter / ours).toFixed(2)}x)   zarrita (FileSystemStore) ${fsStore.toFixed(0)} ms (${(fsStore / ours).toFixed(2)}x)`)
  }
  return lines
}

const child = process.argv.find((a) => a.startsWith('--child='))?.slice(8)
if (child === 'hostile') console.log(await hostileChild(process.argv[process.argv.indexOf('--case') + 1], process.argv[process.argv.indexOf('--reader') + 1]))
else if (child === 'testing-case') console.log(await testingCaseChild(process.argv[process.argv.indexOf('--dir') + 1], process.argv[process.argv.indexOf('--reader') + 1]))
else if (child === 'fuzz') console.log(await fuzzChild(process.argv[process.argv.indexOf('--reader') + 1]))
else {
  const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
  console.log(`bench/zarr/zarrita: zarrita ${pkg('zarrita')} (numcodecs ${pkg('numcodecs')}) against @spikes/zarr`)
  const rows = await correctness()
  const pass = (v) => /^(numpy values|read|same as ours)$/.test(v)
  console.log(`\narrays read (fixtures with numpy's values; real stores compared with ours): rows where a reader fails`)
  for (const r of rows.filter((r) => !pass(r.ours) || !pass(r.zarrita))) console.log(`  ${r.array.slice(0, 70).padEnd(70)} | ours: ${r.ours.slice(0, 45).padEnd(45)} | zarrita: ${r.zarrita.slice(0, 70)}`)
  console.log(`  ours ${rows.filter((r) => pass(r.ours)).length}/${rows.length}, zarrita ${rows.filter((r) => pass(r.zarrita)).length}/${rows.length}`)
  if (process.argv.includes('--arrays-only')) process.exit(0)
  console.log('\nhostile stores (each read in a child: 1 GiB heap, 30 s)')
  for (const name of Object.keys(HOSTILE)) console.log(`  ${name.padEnd(34)} ours: ${inChild(['--child=hostile', '--case', name, '--reader', 'ours']).padEnd(34)} zarrita: ${inChild(['--child=hostile', '--case', name, '--reader', 'zarrita'])}`)
  console.log(`  ${'60 fuzzed Blosc chunks'.padEnd(34)} ours: ${inChild(['--child=fuzz', '--reader', 'ours']).padEnd(34)} zarrita: ${inChild(['--child=fuzz', '--reader', 'zarrita'])}`)
  console.log("\n@spikes/testing's hostile zarr cases (SpikeInterface stores; zarrita on its FileSystemStore; each in a child: 1 GiB heap, 180 s)")
  for (const line of await testingCases()) console.log(line)
  console.log(`\nspeed: SpikeInterface store of bench/spikeinterface/zarr.mjs, whole arrays, median of ${repeat}`)
  for (const line of await speed()) console.log(line)
}

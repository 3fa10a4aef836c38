#!/usr/bin/env node
// bench/readers: npyjs and pickleparser against our @spikes/numpy readers (readNpy/parseNpy, unpickle +
// pickleToJs), for the dependency decision of docs/dependencies.md. Correctness: every .npy (and .npz
// member) and pickle under ../shared/corpus and ../shared/realdata, format-pickle's numpy 2 fixtures, and
// the cases make_cases.py writes with numpy's own values (dtypes, byte orders, fortran_order, object and
// structured arrays, header 3.0, protocols 2/4/5); speed: 20 M-element .npy files and 20 M-spike pickles.
// Usage (neither library is a dependency; install them without saving):
//   npm install --no-save npyjs@1.2.0 pickleparser@0.2.1 && npx tsc -b packages/numpy
//   /usr/bin/python3 bench/readers/make_cases.py /tmp/spikes-bench-readers [SPIKES]
//   node bench/readers/run.mjs [--cases /tmp/spikes-bench-readers] [--repeat 3]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unzipSync } from 'fflate'
import { medianMs, numberArg } from '../lib.mjs'
import { canonical, expectedValues, flattenValue, numpyRegistry } from './numpy-pickle-adapters.mjs'

const argAt = process.argv.indexOf('--cases')
const CASES = argAt > 0 ? process.argv[argAt + 1] : '/tmp/spikes-bench-readers'
const repeat = numberArg('--repeat', 3)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SHARED = join(ROOT, '..', 'shared')
const numpy = await import('@spikes/numpy')
const npyjs = await import('npyjs').catch(() => undefined)
const pickleparser = await import('pickleparser').catch(() => undefined)
if (!npyjs || !pickleparser) throw new Error('install the candidates first: npm install --no-save npyjs@1.2.0 pickleparser@0.2.1')

function walk(dir, test, out = []) {
  if (!existsSync(dir)) return out
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p, test, out)
    else if (test(e.name)) out.push(p)
  }
  return out
}

let precisionWarnings = 0
const attempt = async (fn) => {
  const warn = console.warn
  console.warn = () => precisionWarnings++ // pickleparser warns on integers beyond 2^53 and goes on
  try {
    return { value: await fn() }
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0].slice(0, 90), code: error?.code }
  } finally {
    console.warn = warn
  }
}
const arrayBufferOf = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)

// ---- .npy ------------------------------------------------------------------------------------------
function npyInputs() {
  const inputs = []
  for (const p of [...walk(join(SHARED, 'corpus'), (n) => n.endsWith('.npy')), ...walk(join(SHARED, 'realdata'), (n) => n.endsWith('.npy'))]) inputs.push({ name: relative(SHARED, p), bytes: readFileSync(p) })
  for (const p of [...walk(join(SHARED, 'corpus'), (n) => n.endsWith('.npz')), ...walk(join(SHARED, 'realdata'), (n) => n.endsWith('.npz'))]) {
    for (const [member, bytes] of Object.entries(unzipSync(readFileSync(p)))) if (member.endsWith('.npy')) inputs.push({ name: `${relative(SHARED, p)}:${member}`, bytes })
  }
  for (const p of walk(join(CASES, 'npy'), (n) => n.endsWith('.npy'))) inputs.push({ name: `cases/${relative(join(CASES, 'npy'), p)}`, bytes: readFileSync(p), expected: JSON.parse(readFileSync(p.replace(/\.npy$/, '.json'), 'utf8')) })
  return inputs
}

async function compareNpy() {
  const rows = []
  for (const { name, bytes, expected } of npyInputs()) {
    const ours = await attempt(() => numpy.parseNpy(bytes, { int64: 'bigint', order: 'file' }, name))
    const theirs = await attempt(() => npyjs.parse(arrayBufferOf(bytes), { convertFloat16: true }))
    const oursValues = ours.value && canonical(ours.value.data)
    const theirValues = theirs.value && canonical(theirs.value.data)
    const truth = expected ? expectedValues(expected) : null
    const sameShape = ours.value && theirs.value && JSON.stringify(ours.value.shape) === JSON.stringify(theirs.value.shape) && ours.value.fortranOrder === theirs.value.fortranOrder
    const agree = sameShape && JSON.stringify(oursValues) === JSON.stringify(theirValues)
    rows.push({
      name,
      ours: ours.error ? `error: ${ours.error}` : truth ? (JSON.stringify(oursValues) === JSON.stringify(truth) ? 'numpy values' : 'WRONG values') : 'read',
      npyjs: theirs.error ? `error: ${theirs.error}` : truth ? (JSON.stringify(theirValues) === JSON.stringify(truth) && sameShape ? 'numpy values' : 'WRONG values') : agree ? 'same as ours' : 'DIFFERS from ours',
    })
  }
  return rows
}

// ---- pickles ---------------------------------------------------------------------------------------
function pickleInputs() {
  const isPickle = (n) => /\.(pkl|pickle)$/.test(n)
  const files = [...walk(join(SHARED, 'corpus'), isPickle), ...walk(join(SHARED, 'realdata'), isPickle), ...walk(join(ROOT, 'packages/format-pickle/test/fixtures'), isPickle), ...walk(join(CASES, 'pickle'), isPickle)]
  return files.map((p) => ({ name: p.startsWith(SHARED) ? relative(SHARED, p) : p.startsWith(CASES) ? `cases/${relative(CASES, p)}` : relative(ROOT, p), bytes: readFileSync(p) }))
}

const oursPickle = (bytes, name) => numpy.pickleToJs(numpy.unpickle(bytes, { file: name }), { maxValues: 2 ** 30 })
const rawPickleparser = (bytes) => new pickleparser.Parser().parse(bytes)
const wrappedPickleparser = (bytes) => new pickleparser.Parser({ nameResolver: numpyRegistry(pickleparser.NameRegistry) }).parse(bytes)

async function comparePickles() {
  const rows = []
  for (const { name, bytes } of pickleInputs()) {
    const ours = await attempt(() => oursPickle(bytes, name))
    const raw = await attempt(() => rawPickleparser(bytes))
    const wrapped = await attempt(() => wrappedPickleparser(bytes))
    const want = ours.value !== undefined && flattenValue(ours.value)
    const verdict = (r) => {
      if (r.error) return `error: ${r.error}`
      if (!want) return 'read (ours did not)'
      const got = flattenValue(r.value)
      const missing = [...want.keys()].filter((k) => JSON.stringify(got.get(k)) !== JSON.stringify(want.get(k)))
      return missing.length === 0 ? 'same values' : `DIFFERS at ${missing.length}/${want.size} (${missing.slice(0, 3).join(', ')})`
    }
    rows.push({ name, ours: ours.error ? `error: ${ours.error}` : 'read', pickleparser: verdict(raw), 'pickleparser+wrapper': verdict(wrapped) })
  }
  return rows
}

// ---- hostile pickles: what each unpickler does with them --------------------------------------------
function hostilePickles() {
  const proto = (body) => Uint8Array.from([0x80, 4, ...body, 0x2e])
  const str = (s) => [0x8c, s.length, ...Buffer.from(s)]
  return {
    'global os.system (never allowlisted)': Uint8Array.from(Buffer.from('cos\nsystem\n(S\'echo hi\'\ntR.', 'latin1')),
    "dict key '__proto__' (prototype swap)": proto([0x7d, ...str('__proto__'), 0x7d, ...str('polluted'), 0x88, 0x73, 0x73]),
    'BINBYTES8 claiming 2^62 bytes': proto([0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40]),
    'LONG4 of 2^31 bytes': proto([0x8b, 0, 0, 0, 0x80]),
    '100k nested MARKs': Uint8Array.from([0x80, 4, ...new Array(100_000).fill(0x28), 0x2e]),
  }
}

async function hostileRows() {
  const rows = []
  const describe = (r) => {
    if (r.error) return r.code ? `typed error ${r.code}` : `Error: ${r.error.slice(0, 50)}`
    const v = r.value
    if (v && typeof v === 'object' && 'polluted' in v && !Object.hasOwn(v, 'polluted')) return 'accepted, result object has a replaced prototype'
    return `accepted: ${JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x))?.slice(0, 40)}`
  }
  for (const [name, bytes] of Object.entries(hostilePickles())) {
    rows.push({ name, ours: describe(await attempt(() => oursPickle(bytes, name))), pickleparser: describe(await attempt(() => rawPickleparser(bytes))) })
  }
  return rows
}

// ---- speed -----------------------------------------------------------------------------------------
const median = (fn) => medianMs(fn, repeat)

async function speed() {
  const lines = []
  const { fileSource } = await import('@spikes/core/node')
  for (const f of ['bench-u8.npy', 'bench-f8.npy']) {
    const path = join(CASES, f)
    if (!existsSync(path)) continue
    const ours = await median(async () => {
      const s = await fileSource(path)
      await numpy.readNpy(s)
      await s.close()
    })
    const oursBig = await median(async () => {
      const s = await fileSource(path)
      await numpy.readNpy(s, { int64: 'bigint' })
      await s.close()
    })
    const theirs = await median(() => npyjs.parse(arrayBufferOf(readFileSync(path))))
    lines.push(`  ${f} (${(statSync(path).size / 1e6).toFixed(0)} MB)  readNpy(file) ${ours.toFixed(0)} ms (int64 'bigint': ${oursBig.toFixed(0)} ms)   readFileSync + npyjs.parse ${theirs.toFixed(0)} ms   ratio npyjs/ours ${(theirs / ours).toFixed(2)}x`)
  }
  for (const f of ['bench-p4.pkl', 'bench-p5.pkl']) {
    const path = join(CASES, f)
    if (!existsSync(path)) continue
    const bytes = readFileSync(path)
    const ours = await median(() => oursPickle(bytes, f))
    const wrapped = await median(() => wrappedPickleparser(bytes))
    lines.push(`  ${f} (${(bytes.length / 1e6).toFixed(0)} MB, in memory)  unpickle+pickleToJs ${ours.toFixed(0)} ms   pickleparser+wrapper ${wrapped.toFixed(0)} ms   ratio ${(wrapped / ours).toFixed(2)}x`)
  }
  return lines
}

const PASS = /^(numpy values|same as ours|same values|read)$/

/** Prints the rows where some reader did not pass (all rows with --all), then each reader's count. */
function table(title, rows, count = true) {
  const all = process.argv.includes('--all') || !count
  console.log(`\n${title}${all ? '' : ': rows where a reader fails (--all for every row)'}`)
  const keys = Object.keys(rows[0])
  const widths = keys.map((k) => Math.min(70, Math.max(k.length, ...rows.map((r) => String(r[k]).length))))
  console.log('  ' + keys.map((k, i) => k.padEnd(widths[i])).join(' | '))
  for (const r of rows.filter((r) => all || keys.slice(1).some((k) => !PASS.test(r[k])))) console.log('  ' + keys.map((k, i) => String(r[k]).slice(0, 70).padEnd(widths[i])).join(' | '))
  for (const k of count ? keys.slice(1) : []) {
    const good = rows.filter((r) => PASS.test(r[k])).length
    console.log(`  ${k}: ${good}/${rows.length} read correctly`)
  }
}

console.log(`bench/readers: npyjs ${JSON.parse(readFileSync(join(ROOT, 'node_modules/npyjs/package.json'), 'utf8')).version} and pickleparser ${JSON.parse(readFileSync(join(ROOT, 'node_modules/pickleparser/package.json'), 'utf8')).version} against @spikes/numpy (cases: ${CASES})`)
table('.npy files (file order; "numpy values" = equal to what numpy wrote)', await compareNpy())
console.log('pickles...')
table('pickles (values compared with ours, key by key)', await comparePickles())
const hostile = await hostileRows()
console.log(`(pickleparser printed ${precisionWarnings} "exceeds MAX_SAFE_INTEGER. Precision may be lost" warnings and went on)`)
table('hostile pickles (all rows)', hostile.map((r) => ({ ...r, name: r.name })), false)
console.log(`\nspeed (median of ${repeat})`)
for (const line of await speed()) console.log(line)

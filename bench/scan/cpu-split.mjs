// Splits the CPU time of scan workers' .cpuprofile files (node --cpu-prof, e.g. from
// `SPIKES_SCAN_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"` or bench/scan/profile.mjs) by what it was spent on.
// Samples are wall-clock time on a thread that is not idle (a thread waiting for a core counts), so the shares
// matter more than the sums; time blocked in Atomics.wait for a remote read is left out. Each sample goes to the first category that matches its stack, leaf first (so fetch code called by h5wasm's
// read callback counts as fetch, not as HDF5). Prints one table per thread kind and the whole.
//   node bench/scan/cpu-split.mjs DIR [--assets N] [--top 15]
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { numberArg } from '../lib.mjs'

const dir = process.argv[2]
if (!dir) throw new Error('usage: node bench/scan/cpu-split.mjs <profile dir> [--assets N]')
const assets = numberArg('--assets', 1)
const top = numberArg('--top', 0)

/** [category, test(frame)] in order of precedence for one frame. */
const FRAME_RULES = [
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['hdf5 wasm (h5wasm: parsing, inflate)', (f) => f.url.startsWith('wasm://')],
  ['summarize (per-unit stats)', (f) => /scan\/(src|dist)\/summarize/.test(f.url)],
  ['ipc/messages (serialize, postMessage)', (f) => /node:internal\/(child_process|worker\/io|worker\/js_transferable)|v8.*serialize/.test(f.url) || /serialize|deserialize/i.test(f.functionName) && f.url.startsWith('node:')],
  ['remote reads (fetch, block cache)', (f) => /hdf5\/(src|dist)\/remote\//.test(f.url) || /undici|node:internal\/deps\/undici|node:net|node:_http|node:internal\/streams/.test(f.url)],
  ['h5wasm js glue', (f) => /node_modules\/h5wasm\//.test(f.url)],
  ['hdf5 js (@spikes/hdf5)', (f) => /packages\/hdf5\/(src|dist)\//.test(f.url)],
  ['nwb/dandi loaders', (f) => /packages\/format-(nwb|dandi)\/(src|dist)\//.test(f.url)],
  ['core (SpikeData, registry, DI)', (f) => /packages\/core\/(src|dist)\//.test(f.url)],
  ['scan worker code', (f) => /packages\/scan\/(src|dist)\//.test(f.url)],
  ['module loading/compiling', (f) => /node:internal\/modules|node:internal\/vm/.test(f.url) || f.functionName === 'compileFunction'],
  ['ts transpile (dev hooks)', (f) => /ts-run|esbuild/.test(f.url)],
  ['thread/process start-up', (f) => /node:internal\/(main|bootstrap|worker)/.test(f.url)],
]
/** Categories whose match anywhere on the stack wins over the leaf's (e.g. compiling during an import). */
const STACK_RULES = [
  ['module loading/compiling', (f) => /node:internal\/modules\/esm\/(loader|module_job|translators)/.test(f.url)],
]

const totals = new Map()
const wasmTop = new Map()
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const kind = profile.nodes.some((n) => n.callFrame.functionName === 'fetchRange') ? 'fetch threads' : /\.0\.\d+\.cpuprofile$/.test(file) ? 'worker main thread' : 'load threads'
  const category = new Map()
  const classify = (id) => {
    if (category.has(id)) return category.get(id)
    let found = null
    const stack = []
    for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame)
    const leaf = stack[0]
    // Idle, or blocked in Atomics.wait for a remote read (SyncHttp.fetchRanges): waiting, not CPU.
    if (leaf.functionName === '(idle)' || (leaf.functionName === 'fetchRanges' && /sync-http/.test(leaf.url))) found = null
    else if (leaf.functionName === '(program)') found = '(program: V8/native, wasm compile)'
    else {
      for (const [name, test] of STACK_RULES) if (stack.some(test)) found = name
      for (const frame of stack) {
        if (found) break
        for (const [name, test] of FRAME_RULES) if (test(frame)) { found = name; break }
      }
      found ??= 'other (node internals)'
    }
    category.set(id, found)
    return found
  }
  const table = totals.get(kind) ?? new Map()
  totals.set(kind, table)
  profile.samples.forEach((id, i) => {
    const name = classify(id)
    if (!name) return
    const us = profile.timeDeltas[i + 1] ?? 0
    table.set(name, (table.get(name) ?? 0) + us)
    const leaf = byId.get(id).callFrame
    if (leaf.url.startsWith('wasm://') || name.startsWith('other') || name.startsWith('module')) {
      const key = `${name.slice(0, 12)} | ${leaf.functionName || '(anon)'} ${leaf.url.replace(/.*\//, '')}`
      wasmTop.set(key, (wasmTop.get(key) ?? 0) + us)
    }
  })
}

const all = new Map()
const ms = (us) => (us / 1000 / assets).toFixed(1).padStart(8)
for (const [kind, table] of totals) {
  const sum = [...table.values()].reduce((a, b) => a + b, 0)
  console.log(`\n${kind}: ${ms(sum)} ms per asset`)
  for (const [name, us] of [...table].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name.padEnd(42)} ${ms(us)} ms per asset`)
    all.set(name, (all.get(name) ?? 0) + us)
  }
}
const sum = [...all.values()].reduce((a, b) => a + b, 0)
console.log(`\nall worker threads: ${ms(sum)} ms per asset`)
for (const [name, us] of [...all].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(42)} ${ms(us)} ms per asset  ${((100 * us) / sum).toFixed(0).padStart(3)}%`)
if (top) {
  console.log(`\ntop leaf functions (wasm, other, module loading):`)
  for (const [name, us] of [...wasmTop].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(us)} ms  ${name}`)
}

// bench/lib.mjs: the scaffolding the bench/<name>/run.mjs scripts share. A bench runs each measurement
// in a child process of its own script (so the child's peak RSS is that measurement's alone):
//
//   const spikes = numberArg('--spikes', 20_000_000)
//   const mode = childMode()                       // 'load' in a child started with --child=load
//   if (mode) {
//     const start = performance.now()
//     ...measure...
//     reportChild({ ms: performance.now() - start, check })   // prints {ms, peakBytes, check}, exits
//   }
//   const load = runChild(import.meta.url, 'load', cliArgs({ spikes }))  // -> {ms, peakBytes, check}
//   console.log(`load ${load.ms.toFixed(0)} ms, peak RSS ${mb(load.peakBytes)}`)
//
// Plain JS (no build step); random inputs use tools/seeded-random.mjs.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The number given on the command line as `name N` or `name=N` (e.g. `--spikes 2e6`), or `def` when
 * the option is absent. Throws when the value is not a finite number.
 * @param {string} name option with its dashes, e.g. '--spikes'
 * @param {number} def
 * @param {string[]} [argv] defaults to process.argv.slice(2)
 * @returns {number}
 */
export function numberArg(name, def, argv = process.argv.slice(2)) {
  let text
  const at = argv.indexOf(name)
  if (at >= 0) text = argv[at + 1]
  else {
    const eq = argv.find((a) => a.startsWith(`${name}=`))
    if (eq === undefined) return def
    text = eq.slice(name.length + 1)
  }
  const value = Number(text)
  if (text === undefined || text.trim() === '' || !Number.isFinite(value)) throw new Error(`${name} needs a number (got ${JSON.stringify(text ?? null)})`)
  return value
}

/**
 * The measurement this process was started for by runChild (`--child=MODE`), or undefined in the
 * parent process.
 * @returns {string | undefined}
 */
export function childMode() {
  return process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length)
}

/**
 * Command-line arguments for runChild from named values: cliArgs({ spikes: 5, units: 2 }) is
 * ['--spikes', '5', '--units', '2'].
 * @param {Record<string, number | string>} values
 * @returns {string[]}
 */
export function cliArgs(values) {
  return Object.entries(values).flatMap(([name, value]) => [`--${name}`, String(value)])
}

/**
 * Runs one measurement in a fresh Node process: `node ...nodeFlags <script> --child=MODE ...extraArgs`,
 * waits for it, and returns the JSON object it reported with reportChild. The child's stderr goes to
 * ours; a child that fails makes this throw.
 * @param {string | URL} selfUrl the bench script, normally import.meta.url
 * @param {string} mode
 * @param {string[]} [extraArgs] e.g. cliArgs({ spikes, units })
 * @param {string[]} [nodeFlags] e.g. ['--max-old-space-size=8192']
 * @returns {{ ms: number, peakBytes: number } & Record<string, any>}
 */
export function runChild(selfUrl, mode, extraArgs = [], nodeFlags = []) {
  const script = fileURLToPath(selfUrl)
  let out
  try {
    out = execFileSync(process.execPath, [...nodeFlags, script, `--child=${mode}`, ...extraArgs], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] })
  } catch (e) {
    // Its stderr has already been shown; the execFileSync error would only repeat the command line.
    throw new Error(`measurement '${mode}' of ${script} failed (${e.signal ? `signal ${e.signal}` : e.status != null ? `exit ${e.status}` : e.message})`)
  }
  // The report is the last line: anything a loader printed to stdout before it is ignored.
  const last = out.trimEnd().split('\n').pop() ?? ''
  try {
    return JSON.parse(last)
  } catch {
    throw new Error(`measurement '${mode}' of ${script} printed no report; its stdout was:\n${out}`)
  }
}

/**
 * Ends a child process started by runChild: writes `{ ms, peakBytes, ...fields }` as one JSON line to
 * stdout and exits with status 0. peakBytes is this process's peak RSS so far
 * (process.resourceUsage().maxRSS, in bytes), so call it right after the measurement.
 * @param {{ ms: number } & Record<string, any>} fields ms: the measured time in milliseconds
 * @returns {never}
 */
export function reportChild(fields) {
  const peakBytes = process.resourceUsage().maxRSS * 1024
  const { ms, ...rest } = fields
  process.stdout.write(JSON.stringify({ ms, peakBytes, ...rest }) + '\n') // synchronous for pipes and files
  process.exit(0)
}

/**
 * Runs a child's measured work and ends the child with reportChild: `{ ms, cpuMs, check }`, where cpuMs
 * is this process's CPU time (all threads) over the same span.
 * @param {() => unknown | Promise<unknown>} work returns the child's check value
 * @returns {Promise<never>}
 */
export async function timedChild(work) {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const check = await work()
  const used = process.cpuUsage(cpu)
  return reportChild({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, check })
}

/**
 * What a bench prints of a loaded SpikeData: unit and spike counts, length.
 * @param {{ N: number, times: { length: number }, lengthMs: number }} sd
 */
export function describeLoad(sd) {
  return `${sd.N} units, ${sd.times.length} spikes, length ${sd.lengthMs.toFixed(1)} ms`
}

/**
 * The median wall time in ms of `repeat` runs of `fn` (awaited).
 * @param {() => unknown} fn
 * @param {number} repeat
 */
export async function medianMs(fn, repeat) {
  const times = []
  for (let i = 0; i < repeat; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[times.length >> 1]
}

/**
 * An .npy (format 1.0) header for a C-order array, padded so the data starts at a multiple of 64.
 * @param {string} descr numpy dtype string, e.g. '<f8', '<u4'
 * @param {number | number[]} shape a length or a shape, e.g. 1000 or [384, 2]
 * @returns {Buffer}
 */
export function npyHeader(descr, shape) {
  const dims = Array.isArray(shape) ? shape : [shape]
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`
  const text = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n'
  const out = Buffer.alloc(10 + text.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]) // \x93NUMPY v1.0
  out.writeUInt16LE(text.length, 8)
  out.write(text, 10, 'latin1')
  return out
}

/**
 * Bytes as whole (decimal) megabytes: mb(567_123_456) is '567 MB'.
 * @param {number} bytes
 * @returns {string}
 */
export function mb(bytes) {
  return (bytes / 1e6).toFixed(0) + ' MB'
}

/**
 * The raw read a load is compared with: each file read whole (readFileSync), as a user would; returns the bytes read.
 * @param {Iterable<string>} paths
 * @returns {number}
 */
export function readWhole(paths) {
  let bytes = 0
  for (const path of paths) bytes += readFileSync(path).length
  return bytes
}

/**
 * A path under os.tmpdir(), where the benches keep their generated (deterministic, reused) inputs.
 * @param {...string} parts
 * @returns {string}
 */
export function tmpPath(...parts) {
  return join(tmpdir(), ...parts)
}

/**
 * Loads `path` with loadSpikeData in a container that has only the given loader: `register` is a
 * package's registerX(container) function or a loader descriptor. Imports @spikes/core and
 * @spikes/core/node itself, so the import time falls inside whatever the caller times.
 * @param {string} path
 * @param {string} format
 * @param {((container: any) => void) | object} register
 * @param {object} [options] the loader's options
 */
export async function loadWith(path, format, register, options = {}) {
  const { container, loadSpikeData, SPIKE_LOADER } = await import('@spikes/core')
  await import('@spikes/core/node')
  const c = container.createChildContainer()
  if (typeof register === 'function') register(c)
  else c.register(SPIKE_LOADER, { useValue: register })
  return loadSpikeData(path, { format, options, container: c })
}

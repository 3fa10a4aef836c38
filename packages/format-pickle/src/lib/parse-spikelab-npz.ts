import { InvalidDataError, MissingEntryError, SpikeData, throwIfAborted, type Attributes, type ByteSource, type LoadContext } from '@spikes/core'
import { spacing, stableTimeOrder } from '@spikes/core/loader-utils'
import { openNpz, PickledArray, pickleToJs, pyTypeName, unpickleObjectArray, type NpyArray, type PickleValue } from '@spikes/numpy'
import type { CheckedSpikelabNpzOptions } from '../options.js'
import { ConversionFailure, pyFloat, pyInt, pyStr } from './py-convert.js'
import { reorderLike } from './time-order.js'

/** SpikeLab's attribute order. */
const ATTRIBUTE_ORDER = ['unit_id', 'location', 'electrode', 'template', 'amplitudes', 'std_norms', 'peak_sign', 'max_channel_id']
const HINT = "Verify the file was saved by SpikeLab's sorter export pipeline."

/**
 * SpikeLab's load_spikedata_from_spikelab_sorted_npz: `units` (an object array of dicts, pickled
 * inside the .npy and read with the safe unpickler), `fs` (Hz) and optional `locations`. Each unit's
 * `spike_train` (samples) becomes `astype(float) / fs * 1000`, sorted; attributes map as SpikeLab's
 * (unit_id, location from x_max / y_max, electrode, template, amplitudes, std_norms, peak_sign,
 * max_channel_id). Length: the option, else the last spike plus one float step (numpy.spacing).
 */
export async function parseSpikelabNpz(source: ByteSource, file: string, options: CheckedSpikelabNpzOptions, context: Pick<LoadContext, 'progress' | 'signal'>): Promise<SpikeData> {
  const npz = await openNpz(source)
  const available = npz.names()
  for (const required of ['units', 'fs']) {
    if (!npz.has(required)) throw new MissingEntryError(required, `NPZ file '${file}'`, available, HINT)
  }
  let payloadBytes = 0
  const objectReader = (bytes: Uint8Array) => {
    payloadBytes += bytes.length
    return unpickleObjectArray(bytes, { file: `${file}:units.npy` }).values
  }
  const units = await npz.read('units', { objectReader, signal: context.signal, maxBytes: options.maxBytes })
  const fsArray = await npz.read('fs', { objectReader, signal: context.signal })
  const locations = npz.has('locations') ? await npz.read('locations', { objectReader, signal: context.signal }) : undefined
  throwIfAborted(context.signal, `Loading ${file}`)

  const fsHz = fsValue(fsArray, file)
  const list = unitList(units, file)
  const fail = (unit: number, message: string, details: Record<string, unknown> = {}) => new InvalidDataError(`${file}: unit ${unit} ${message}`, { file, unit, ...details })

  // One pass to size the output, one to fill it.
  const trains = list.map((u, i) => {
    if (!(u instanceof Map)) throw fail(i, `is a ${pyTypeName(u)}, not a dict of unit fields.`, { found: pyTypeName(u) })
    if (!u.has('spike_train')) throw fail(i, `has no 'spike_train' key (keys: ${[...u.keys()].map(String).slice(0, 12).join(', ')}).`, { missing: 'spike_train' })
    const t = u.get('spike_train')
    if (!(t instanceof PickledArray) || !'fiub'.includes(t.dtype.kind)) throw fail(i, `has a spike_train that is ${t instanceof PickledArray ? `an array of ${t.dtype.descr}` : `a ${pyTypeName(t ?? null)}`}, not a numeric array of sample indices.`)
    return t
  })
  const offsets = new Float64Array(list.length + 1)
  trains.forEach((t, i) => (offsets[i + 1] = offsets[i] + t.size))
  // Arrays shared between units would multiply memory: the spikes must fit in the pickled bytes.
  const limit = Math.max(payloadBytes, 1 << 20)
  if (offsets[list.length] > limit) throw new InvalidDataError(`${file}: the units claim ${offsets[list.length]} spikes, more than their ${payloadBytes}-byte pickle can hold.`, { file, spikes: offsets[list.length], limit })
  const times = new Float64Array(offsets[list.length])
  // Units whose spike_train is stored out of time order: their per-spike amplitudes are reordered with it.
  const orders = new Map<number, Int32Array>()
  let last = -Infinity
  trains.forEach((t, i) => {
    const out = times.subarray(offsets[i], offsets[i + 1])
    t.toFloat64(out)
    for (let k = 0; k < out.length; k++) out[k] = (out[k] / fsHz) * 1000
    const order = stableTimeOrder(out)
    if (order) orders.set(i, order)
    out.sort()
    if (out.length) {
      if (out[0] < 0) throw fail(i, `has a spike at sample ${out[0] * (fsHz / 1000)} (negative); spike times must be >= 0.`)
      if (out[out.length - 1] > last) last = out[out.length - 1]
    }
  })
  context.progress({ phase: 'parse', loaded: times.length, total: times.length, unit: 'spikes' })

  const attributes = (list as Map<PickleValue, PickleValue>[]).map((u, i) => unitAttributes(u, i, fail))
  // The array attributes of all units in one conversion, so one budget bounds shared references.
  const arrays = pickleToJs(
    attributes.map((a) => a.arrays),
    { file, maxValues: Math.max(4 * payloadBytes, 1 << 16) },
  ) as Attributes[]
  const neuronAttributes = attributes.map((a, i) => {
    const merged: Attributes = { ...a.scalars, ...arrays[i] }
    const order = orders.get(i)
    const amplitudes = merged.amplitudes as ArrayLike<unknown> | undefined
    // SpikeLab sorts the train but not its amplitudes (one per spike); here they stay with their spikes.
    if (order && amplitudes && typeof amplitudes === 'object' && amplitudes.length === order.length) merged.amplitudes = reorderLike(amplitudes, order)
    return Object.fromEntries(ATTRIBUTE_ORDER.filter((k) => k in merged).map((k) => [k, merged[k]]))
  })
  const metadata: Attributes = { source_file: file, source_format: 'SpikeLab_npz', fs_Hz: fsHz }
  if (locations !== undefined) metadata.channel_locations = npyToJs(locations)
  const lengthMs = options.lengthMs ?? (last === -Infinity ? 0 : last + spacing(last))
  return new SpikeData({ times, offsets, lengthMs, neuronAttributes, metadata })
}

function unitAttributes(u: Map<PickleValue, PickleValue>, i: number, fail: (unit: number, message: string, details?: Record<string, unknown>) => InvalidDataError): { scalars: Attributes; arrays: Map<PickleValue, PickleValue> } {
  const convert = <T>(key: string, result: T | ConversionFailure, fn: string): T => {
    if (result instanceof ConversionFailure) throw fail(i, `has ${key} that ${fn}() cannot convert: ${result.reason}.`, { key, reason: result.reason })
    return result
  }
  if (!u.has('unit_id')) throw fail(i, "has no 'unit_id' key.", { missing: 'unit_id' })
  const attr: Attributes = { unit_id: convert('unit_id', pyInt(u.get('unit_id')!), 'int') }
  if (u.has('x_max') && u.has('y_max')) attr.location = [convert('x_max', pyFloat(u.get('x_max')!), 'float'), convert('y_max', pyFloat(u.get('y_max')!), 'float')]
  if (u.has('electrode')) attr.electrode = convert('electrode', pyInt(u.get('electrode')!), 'int')
  const arrays = new Map<PickleValue, PickleValue>()
  for (const key of ['template', 'amplitudes', 'std_norms']) if (u.has(key)) arrays.set(key, u.get(key)!)
  if (u.has('peak_sign')) attr.peak_sign = pyStr(u.get('peak_sign')!)
  if (u.has('max_channel_id')) attr.max_channel_id = pyStr(u.get('max_channel_id')!)
  return { scalars: attr, arrays }
}

/** float(data['fs']): a size-1 array of numbers (or a numeric string); positive and finite here. */
function fsValue(a: NpyArray, file: string): number {
  const size = a.shape.reduce((x, y) => x * y, 1)
  let fs: number | ConversionFailure = new ConversionFailure(`fs has ${size} values; it must be a single number`)
  if (size === 1) {
    const v = (a.data as ArrayLike<unknown>)[0]
    fs = v === undefined ? new ConversionFailure('fs holds no value') : pyFloat(v as PickleValue)
  }
  if (fs instanceof ConversionFailure) throw new InvalidDataError(`${file}: ${fs.reason}.`, { file, key: 'fs', shape: a.shape })
  if (!(fs > 0) || !Number.isFinite(fs)) throw new InvalidDataError(`${file}: fs is ${fs}; the sampling rate must be a positive number of Hz.`, { file, key: 'fs', value: String(fs) })
  return fs
}

/** The units object array as a list (iterating its first axis, as `for unit in units`). */
function unitList(a: NpyArray, file: string): PickleValue[] {
  // SpikeLab saves an empty unit list as np.array([]) (float64, shape (0,)) and loads it as N = 0.
  if (a.shape.length === 1 && a.shape[0] === 0) return []
  if (a.dtype.kind !== 'O') throw new InvalidDataError(`${file}: 'units' is an array of ${a.dtype.descr}; SpikeLab writes an object array of per-unit dicts. ${HINT}`, { file, key: 'units', dtype: a.dtype.descr })
  if (a.shape.length !== 1) throw new InvalidDataError(`${file}: 'units' has shape (${a.shape.join(', ')}); SpikeLab writes a 1-D object array of per-unit dicts.`, { file, key: 'units', shape: a.shape })
  return a.data as PickleValue[]
}

/** An .npy array as plain JS: 0-d -> its element, 1-D -> the data, N-D -> nested arrays (typed rows). */
export function npyToJs(a: NpyArray): unknown {
  let data = a.data as ArrayLike<unknown> & { slice(start: number, end: number): unknown }
  if (a.dtype.kind === 'O') data = (data as unknown as PickleValue[]).map((v) => pickleToJs(v)) as unknown as typeof data
  const shape = a.shape
  if (shape.length === 0) return data[0]
  if (shape.length === 1) return data
  const build = (dim: number, offset: number): unknown => {
    const stride = shape.slice(dim + 1).reduce((x, y) => x * y, 1)
    const out: unknown[] = new Array(shape[dim])
    for (let i = 0; i < shape[dim]; i++) out[i] = dim === shape.length - 2 ? data.slice(offset + i * stride, offset + (i + 1) * stride) : build(dim + 1, offset + i * stride)
    return out
  }
  return build(0, 0)
}

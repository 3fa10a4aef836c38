import { InvalidDataError, SpikeData, type Attributes, type NumericArray, type RawData } from '@spikes/core'
import { PickledArray, pickleToJs, pyTypeName, type PickledObject, type PickleValue } from '@spikes/numpy'

/** What {@link spikeDataFromRecord} needs to know about the pickle a record came from. */
export interface RecordContext {
  /** Name of the input, for messages. */
  readonly file: string
  /** Size of the pickle in bytes: bounds the spikes a record may claim (shared references cannot multiply memory). */
  readonly inputBytes: number
}

/**
 * A pickled SpikeLab SpikeData (its `__dict__`: train, N, length, start_time, metadata,
 * neuron_attributes, raw_data, raw_time) as a validated SpikeData. `start_time` is absent in old
 * pickles and then 0. Trains are copied once into one Float64Array; the constructor sorts them and
 * checks every spike against the window.
 */
export function spikeDataFromRecord(record: PickledObject, ctx: RecordContext): SpikeData {
  const { file } = ctx
  const fail = (message: string, details: Record<string, unknown> = {}) => new InvalidDataError(`${file}: the pickled ${record.className} ${message}`, { file, ...details })

  const train = record.get('train')
  if (train === undefined) throw fail("has no 'train' attribute, so it holds no spike trains.", { missing: 'train' })
  if (!Array.isArray(train)) throw fail(`has a 'train' that is a ${pyTypeName(train)}, not a list of arrays.`, { found: pyTypeName(train) })

  const counts = train.map((t, i) => trainLength(t, i, fail))
  const total = counts.reduce((a, b) => a + b, 0)
  // Every spike costs at least one byte of the pickle unless arrays are shared; refuse a small file that claims huge trains.
  const limit = Math.max(ctx.inputBytes, 1 << 20)
  if (total > limit) throw fail(`claims ${total} spikes, more than a ${ctx.inputBytes}-byte pickle can hold (arrays referenced many times?).`, { spikes: total, limit })
  const times = new Float64Array(total)
  const offsets = new Float64Array(train.length + 1)
  let at = 0
  train.forEach((t, i) => {
    const n = counts[i]
    fillTrain(t, times.subarray(at, at + n), i, fail)
    at += n
    offsets[i + 1] = at
  })

  const N = optionalCount(record.get('N'), 'N', fail) ?? train.length
  if (N < train.length) throw fail(`says N = ${N} but has ${train.length} trains.`, { N, trains: train.length })
  if (N > train.length + ctx.inputBytes) throw fail(`says N = ${N}, far more units than its ${train.length} trains; the file is damaged.`, { N, trains: train.length })
  const lengthMs = optionalNumber(record.get('length'), 'length', fail)
  if (lengthMs !== undefined && lengthMs < 0) throw fail(`has a negative length (${lengthMs} ms).`, { length: lengthMs })
  const startTimeMs = optionalNumber(record.get('start_time'), 'start_time', fail) ?? 0

  const metadataValue = record.get('metadata') ?? null
  if (!(metadataValue instanceof Map) && metadataValue !== null) throw fail(`has metadata that is a ${pyTypeName(metadataValue)}, not a dict.`)
  const attrsValue = record.get('neuron_attributes') ?? null
  if (attrsValue !== null) {
    if (!Array.isArray(attrsValue)) throw fail(`has neuron_attributes that are a ${pyTypeName(attrsValue)}, not a list of dicts.`)
    attrsValue.forEach((a, i) => {
      if (!(a instanceof Map)) throw fail(`has neuron_attributes[${i}] that is a ${pyTypeName(a)}, not a dict.`, { unit: i })
    })
    if (attrsValue.length !== N) throw fail(`has ${attrsValue.length} neuron_attributes for ${N} units.`, { attributes: attrsValue.length, N })
  }
  // One conversion for both, so one budget bounds what shared references can expand to.
  const [metadata, neuronAttributes] = pickleToJs([metadataValue ?? new Map(), attrsValue], { file, maxValues: Math.max(4 * ctx.inputBytes, 1 << 16) }) as [Attributes, Attributes[] | null]

  const { rawData, rawTimeMs } = rawFields(record.get('raw_data'), record.get('raw_time'), ctx, fail)
  return new SpikeData({ times, offsets, N, lengthMs, startTimeMs, metadata, neuronAttributes, rawData, rawTimeMs })
}

type Fail = (message: string, details?: Record<string, unknown>) => InvalidDataError

function trainLength(t: PickleValue, unit: number, fail: Fail): number {
  if (t instanceof PickledArray) {
    if (t.shape.length !== 1) throw fail(`has a train for unit ${unit} of shape (${t.shape.join(', ')}); trains are 1-D.`, { unit })
    return t.size
  }
  if (Array.isArray(t)) return t.length
  throw fail(`has a train for unit ${unit} that is a ${pyTypeName(t)}, not an array of spike times.`, { unit })
}

function fillTrain(t: PickleValue, out: Float64Array, unit: number, fail: Fail): void {
  if (t instanceof PickledArray) {
    const kind = t.dtype.kind
    if (kind !== 'f' && kind !== 'i' && kind !== 'u' && kind !== 'b' && kind !== 'O') throw fail(`has a train for unit ${unit} of dtype ${t.dtype.descr}; spike times are numbers.`, { unit, dtype: t.dtype.descr })
    try {
      t.toFloat64(out)
    } catch (error) {
      throw fail(`has a train for unit ${unit} with an element that is not a number.`, { unit })
    }
    return
  }
  const list = t as PickleValue[]
  for (let k = 0; k < list.length; k++) {
    const v = list[k]
    if (typeof v === 'number') out[k] = v
    else if (typeof v === 'bigint') out[k] = Number(v)
    else throw fail(`has a train for unit ${unit} with a ${pyTypeName(v)} at position ${k}; spike times are numbers.`, { unit, position: k })
  }
}

function optionalNumber(v: PickleValue | undefined, name: string, fail: Fail): number | undefined {
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'bigint' ? Number(v) : v instanceof PickledArray && v.size === 1 && v.ndim === 0 ? v.toFloat64()[0] : v
  if (typeof n !== 'number' || !Number.isFinite(n)) throw fail(`has ${name} = ${typeof n === 'number' ? n : `a ${pyTypeName(v)}`}; expected a finite number of milliseconds.`, { [name]: typeof n === 'number' ? String(n) : pyTypeName(v) })
  return n
}

function optionalCount(v: PickleValue | undefined, name: string, fail: Fail): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw fail(`has ${name} = ${typeof v === 'number' ? v : `a ${pyTypeName(v)}`}; expected a non-negative integer.`)
  return v
}

function isEmpty(v: PickleValue | undefined): boolean {
  return v === undefined || v === null || (v instanceof PickledArray && v.size === 0)
}

function rawFields(data: PickleValue | undefined, time: PickleValue | undefined, ctx: RecordContext, fail: Fail): { rawData: RawData | null; rawTimeMs: Float64Array | number | null } {
  // SpikeLab stores np.zeros((0, 0)) and np.zeros((0,)) when there is no raw data.
  if (isEmpty(data) && (isEmpty(time) || typeof time === 'number')) return { rawData: null, rawTimeMs: null }
  if (!(data instanceof PickledArray)) throw fail(`has raw_data that is a ${pyTypeName(data)}, not an array.`)
  const samples = data.shape.length ? data.shape[data.shape.length - 1] : 1
  let rawTimeMs: Float64Array | number
  if (typeof time === 'number') {
    if (!(time > 0) || !Number.isFinite(time)) throw fail(`has raw_time = ${time}; a single raw_time is a sample rate in kHz (> 0).`)
    rawTimeMs = time
  } else if (time instanceof PickledArray && time.ndim === 1 && 'fiub'.includes(time.dtype.kind)) {
    rawTimeMs = time.toFloat64()
    if (rawTimeMs.length !== samples) throw fail(`has ${rawTimeMs.length} raw_time values for ${samples} raw_data samples; the lengths must match.`, { rawTime: rawTimeMs.length, samples })
  } else throw fail(`has raw_data but raw_time is a ${pyTypeName(time)}; expected one time per sample.`)
  return { rawData: { data: rawValues(data, ctx, fail), shape: [...data.shape] }, rawTimeMs }
}

/** Raw samples as a numeric typed array in C order; int64 becomes float64, float16 float32, bool uint8. */
function rawValues(a: PickledArray, ctx: RecordContext, fail: Fail): NumericArray {
  const { kind, itemsize } = a.dtype
  if (!'fiub'.includes(kind)) throw fail(`has raw_data of dtype ${a.dtype.descr}; raw samples are numbers.`, { dtype: a.dtype.descr })
  if ((kind === 'f' && itemsize === 8) || ((kind === 'i' || kind === 'u') && itemsize === 8)) return a.toFloat64()
  const fortran = a.fortranOrder && a.shape.filter((d) => d > 1).length > 1
  if (kind === 'b' || (kind === 'f' && itemsize === 2) || fortran) {
    const asFloat = a.toFloat64()
    if (kind === 'b' || (kind === 'i' && itemsize === 1)) return kind === 'b' ? Uint8Array.from(asFloat) : Int8Array.from(asFloat)
    const Ctor = (kind === 'f' ? Float32Array : (a.data as NumericArray).constructor) as { from(x: ArrayLike<number>): NumericArray }
    return Ctor.from(asFloat)
  }
  const data = a.data as NumericArray
  // A view keeps the whole pickle alive: worth it only when the samples are most of the file.
  return data.buffer !== a.bytes?.buffer || data.byteLength * 2 >= ctx.inputBytes ? data : (data.slice() as NumericArray)
}

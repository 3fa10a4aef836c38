import { InvalidArgumentError } from './errors.js'
import type { NumericArray } from './numeric.js'
import { SpikeData, type Attributes, type RawData } from './spike-data.js'
import type { SpikesWarning } from './warnings.js'

/** The JSON document of a SpikeData (DESIGN §8, `spikes load --json`). */
export interface SpikeDataJson {
  N: number
  lengthMs: number
  startTimeMs: number
  trains: number[][]
  neuronAttributes: Attributes[] | null
  metadata: Attributes
  warnings: SpikesWarning[]
  /** Nested arrays by shape (channels x samples); non-finite values tagged as by toJsonValue. */
  rawData?: unknown
  /** The typed-array type of the raw data, e.g. 'Int16Array', so it reads back as the same type. */
  rawDataType?: string
  rawTimeMs?: number[]
}

/**
 * Makes any loader value JSON-safe: typed arrays (Uint8Array bytes too) become arrays of numbers,
 * non-finite numbers become `{ $float: 'NaN' | 'Infinity' | '-Infinity' }` (the corpus convention),
 * bigints become numbers when exact and strings otherwise, Maps become objects, Dates ISO strings,
 * undefined null. No `$bytes` tag is produced.
 */
export function toJsonValue(value: unknown, depth = 0): unknown {
  if (depth > 64) return '[too deep]'
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $float: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Date) return value.toISOString()
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>, (v) => toJsonValue(v, depth + 1))
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1))
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v, depth + 1)]))
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toJsonValue(v, depth + 1)
    return out
  }
  return String(value)
}

/** Reverses toJsonValue's tags ($float); arrays stay plain arrays. */
export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue)
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (typeof v.$float === 'string' && Object.keys(v).length === 1) return Number(v.$float.replace('Infinity', 'Infinity'))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJsonValue(x)]))
  }
  return value
}

/**
 * The JSON document of a SpikeData. Attributes and metadata go through toJsonValue; warnings keep
 * only `code` and `message`; rawData (nested arrays by shape) and rawTimeMs are included when present.
 */
export function spikeDataToJson(sd: SpikeData): SpikeDataJson {
  const doc: SpikeDataJson = {
    N: sd.N,
    lengthMs: sd.lengthMs,
    startTimeMs: sd.startTimeMs,
    trains: sd.trains.map((t) => Array.from(t)),
    neuronAttributes: sd.neuronAttributes ? (toJsonValue(sd.neuronAttributes) as Attributes[]) : null,
    metadata: toJsonValue(sd.metadata) as Attributes,
    warnings: sd.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
  if (sd.rawData && sd.rawTimeMs) {
    doc.rawData = nest(sd.rawData)
    doc.rawDataType = sd.rawData.data.constructor.name
    doc.rawTimeMs = Array.from(sd.rawTimeMs, (v) => toJsonValue(v) as number)
  }
  return doc
}

/**
 * Rebuilds a SpikeData from a SpikeDataJson document (values tagged by toJsonValue are restored).
 * rawData comes back as the typed array named by rawDataType (Float64Array without it). Throws InvalidArgumentError without a `trains` array, and the
 * SpikeData constructor's errors for inconsistent content.
 */
export function spikeDataFromJson(doc: unknown): SpikeData {
  if (!doc || typeof doc !== 'object') throw new InvalidArgumentError('doc', doc, 'a SpikeData JSON document')
  const d = doc as Partial<SpikeDataJson>
  if (!Array.isArray(d.trains)) throw new InvalidArgumentError('doc.trains', d.trains, 'an array of spike-time arrays')
  let rawData: RawData | null = null
  if (d.rawData !== undefined) {
    const shape: number[] = []
    let probe: unknown = d.rawData
    while (Array.isArray(probe)) {
      shape.push(probe.length)
      probe = probe[0]
    }
    const values = (fromJsonValue(d.rawData) as unknown[]).flat(Infinity) as number[]
    rawData = { data: (RAW_TYPES[d.rawDataType ?? ''] ?? Float64Array).from(values), shape }
  }
  return SpikeData.fromTrains(d.trains, {
    N: d.N,
    lengthMs: d.lengthMs,
    startTimeMs: d.startTimeMs,
    neuronAttributes: (fromJsonValue(d.neuronAttributes ?? null) as Attributes[] | null) ?? null,
    metadata: (fromJsonValue(d.metadata ?? {}) as Attributes) ?? {},
    rawData,
    rawTimeMs: rawData ? ((fromJsonValue(d.rawTimeMs ?? null) as number[] | null) ?? null) : null,
    warnings: Array.isArray(d.warnings) ? d.warnings : [],
  })
}

const RAW_TYPES: Record<string, { from(values: ArrayLike<number>): NumericArray }> = {
  Float64Array,
  Float32Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
}

function nest(raw: RawData): unknown {
  const { shape } = raw
  const data = Array.from(raw.data, (v) => toJsonValue(v))
  if (shape.length <= 1) return data
  const build = (dim: number, offset: number): unknown[] => {
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1)
    const out: unknown[] = []
    for (let i = 0; i < shape[dim]; i++) out.push(dim === shape.length - 1 ? data[offset + i] : build(dim + 1, offset + i * stride))
    return out
  }
  return build(0, 0)
}

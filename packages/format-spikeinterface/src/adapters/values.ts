import { InvalidDataError, isNumericArray, type NumericArray } from '@spikes/core'
import type { NumericLike, TracesLike, ExtractorUnitId } from './types.js'

const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))

/** Unit properties that give a unit's electrode, the first present winning (SpikeLab's order). */
export const CHANNEL_PROPERTIES: readonly string[] = ['channel', 'ch', 'peak_channel', 'electrode']
/** Unit properties that give a unit's location, the first present winning (SpikeLab's order). */
export const LOCATION_PROPERTIES: readonly string[] = ['location', 'unit_location', 'position']

/** A unit id as the result records it: bigints become numbers when exact. */
export function normalizeId(id: unknown, where: string): ExtractorUnitId {
  if (typeof id === 'bigint') return Number.isSafeInteger(Number(id)) ? Number(id) : id
  if (typeof id === 'number' || typeof id === 'string') return id
  throw new InvalidDataError(`${where} contains ${typeof id === 'object' ? 'an object' : String(id)}; unit ids must be numbers or strings.`, { value: String(id) })
}

/** Python's `a == b` for unit ids: numbers and bigints compare by value, strings by text. */
export function sameId(a: ExtractorUnitId, b: ExtractorUnitId): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b
  return a == b // number/bigint mixes compare by value
}

/** Spike times in samples -> ms with SpikeLab's operation order (v / fs * 1e3), into out[at..]. */
export function samplesToMs(values: unknown, fs: number, out: Float64Array, at: number, unit: ExtractorUnitId): void {
  if (!isArrayLike(values)) throw new InvalidDataError(`getUnitSpikeTrain(${String(unit)}) returned ${values === null ? 'null' : typeof values}; expected an array of sample indices.`, { unitId: String(unit) })
  for (let k = 0; k < values.length; k++) {
    const v = values[k]
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n !== 'number') throw new InvalidDataError(`getUnitSpikeTrain(${String(unit)}) returned a non-numeric value at position ${k}.`, { unitId: String(unit), position: k })
    out[at + k] = (n / fs) * 1e3
  }
}

export function trainLength(values: unknown): number {
  return isArrayLike(values) ? values.length : -1
}

/** Python's int(x) for a property value (numbers truncate, digit strings parse, booleans are 0/1); null when it cannot be one. */
export function toInt(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10)
  return null
}

/** A per-unit property as a list of per-unit values (rows of a { data, shape } matrix too). */
export function propertyRows(value: unknown): unknown[] | null {
  if (value === null || value === undefined) return null
  if (isArrayLike(value)) return Array.from(value as ArrayLike<unknown>)
  const m = value as { data?: unknown; shape?: unknown }
  if (typeof m === 'object' && isArrayLike(m.data) && Array.isArray(m.shape) && m.shape.length >= 1) {
    const rows = Number(m.shape[0])
    const width = rows ? m.data.length / rows : 0
    if (m.shape.length === 1) return Array.from(m.data)
    const flat = Array.from(m.data)
    return Array.from({ length: rows }, (_, i) => flat.slice(i * width, (i + 1) * width))
  }
  return null
}

/** SpikeLab's list(loc) if iterable else [loc], with numbers for bigints. */
export function toLocation(value: unknown): unknown[] {
  const list = isArrayLike(value) ? Array.from(value as ArrayLike<unknown>) : [value]
  return list.map((v) => (typeof v === 'bigint' ? Number(v) : v))
}

/** Traces as a C-order typed matrix [rows, cols]. Plain nested arrays become Float64Array. */
export function toMatrix(traces: unknown): { data: NumericArray; shape: [number, number] } {
  const t = traces as { data?: unknown; shape?: unknown }
  if (t && typeof t === 'object' && !isArrayLike(t) && 'data' in t) {
    const shape = Array.isArray(t.shape) ? t.shape.map(Number) : []
    if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw notTwoD(shape.length ? `shape [${shape.join(', ')}]` : 'no shape')
    let data = t.data
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data = Float64Array.from(data, Number)
    else if (Array.isArray(data)) data = Float64Array.from(data as number[], Number)
    if (!isNumericArray(data) || data.length !== shape[0] * shape[1]) throw notTwoD(`shape [${shape.join(', ')}] with ${isArrayLike(data) ? data.length : 0} values`)
    return { data, shape: [shape[0], shape[1]] }
  }
  if (!isArrayLike(traces)) throw notTwoD(traces === null ? 'null' : typeof traces)
  const rows = traces as ArrayLike<unknown>
  const n = rows.length
  const m = n ? (isArrayLike(rows[0]) ? (rows[0] as ArrayLike<unknown>).length : -1) : 0
  if (m < 0) throw notTwoD('a 1-D array')
  const first = n ? rows[0] : null
  const Type = (isNumericArray(first) ? first.constructor : Float64Array) as { new (n: number): NumericArray }
  const data = new Type(n * m)
  for (let i = 0; i < n; i++) {
    const row = rows[i]
    if (!isArrayLike(row) || row.length !== m) throw notTwoD(`rows of different lengths (row ${i})`)
    if (!(row instanceof Type)) {
      for (let j = 0; j < m; j++) data[i * m + j] = Number(row[j])
    } else data.set(row as unknown as ArrayLike<number>, i * m)
  }
  return { data, shape: [n, m] }
}

function notTwoD(found: string): InvalidDataError {
  return new InvalidDataError(`recording.getTraces() returned ${found}; it must return a 2-D array (samples x channels or channels x samples).`, { found })
}

/** Transposes a C-order [rows, cols] matrix into a new array of the same type. */
export function transpose(m: { data: NumericArray; shape: [number, number] }): { data: NumericArray; shape: [number, number] } {
  const [rows, cols] = m.shape
  const out = new (m.data.constructor as { new (n: number): NumericArray })(rows * cols)
  const src = m.data
  for (let i = 0; i < rows; i++) {
    const base = i * cols
    for (let j = 0; j < cols; j++) out[j * rows + i] = src[base + j]
  }
  return { data: out, shape: [cols, rows] }
}

export type { NumericLike, TracesLike }

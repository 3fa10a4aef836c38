import { InvalidDataError } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'

/** Root attributes SpikeLab's exporter writes: start_time (ms, default 0) and length_ms (optional). */
export function readFileTimeAttrs(file: Hdf5File): { startTimeMs: number; lengthMs: number | undefined } {
  const start = file.attr('/', 'start_time')
  const length = file.attr('/', 'length_ms')
  return { startTimeMs: start === undefined ? 0 : toFloat(start, 'start_time', file.name), lengthMs: length === undefined ? undefined : toFloat(length, 'length_ms', file.name) }
}

/** Python's float(x) for what h5py returns: numbers, one-element arrays, numeric strings, booleans. */
function toFloat(value: unknown, name: string, fileName: string): number {
  let v: unknown = value
  if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<unknown>).length === 1) v = (v as unknown as ArrayLike<unknown>)[0]
  if (Array.isArray(v) && v.length === 1) v = v[0]
  if (typeof v === 'bigint') v = Number(v)
  if (typeof v === 'boolean') v = v ? 1 : 0
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) v = Number(v)
  if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v)) {
    throw new InvalidDataError(`The file attribute '${name}' of ${fileName} is ${describeValue(value)}; expected a finite number of milliseconds.`, { file: fileName, attribute: name })
  }
  return v
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 40))
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return `an array of ${(v as unknown as ArrayLike<unknown>).length}`
  return String(v)
}

import { InvalidDataError } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'

/** Python's float() of a root attribute as h5py returns it; null when the attribute is absent. */
export function readTimeAttr(file: Hdf5File, name: 'length_ms' | 'start_time'): number | null {
  const value = file.attr('/', name)
  if (value === undefined) return null
  let v: unknown = value
  if ((ArrayBuffer.isView(v) || Array.isArray(v)) && (v as unknown as ArrayLike<unknown>).length === 1) v = (v as unknown as ArrayLike<unknown>)[0]
  if (typeof v === 'bigint') v = Number(v)
  if (typeof v === 'boolean') v = v ? 1 : 0
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) v = Number(v)
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidDataError(`The file attribute '${name}' of ${file.name} is not a finite number of milliseconds.`, { file: file.name, attribute: name })
  }
  return v
}

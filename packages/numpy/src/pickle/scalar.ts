import { CorruptFileError } from '@spikes/core'
import { PickledArray } from './array.js'
import type { PickledDtype } from './dtype.js'
import { latin1Bytes, normalizeInt } from './text.js'
import type { PickleValue } from './values.js'

/**
 * numpy.core.multiarray.scalar(dtype, payload): a numpy scalar as its plain value. Numbers become
 * numbers (64-bit integers beyond 2^53 stay bigint), bool_ a boolean, str_ a string, bytes_ bytes;
 * an object scalar is the payload itself.
 */
export function decodeScalar(dtype: PickledDtype, payload: PickleValue | undefined, corrupt: (what: string) => CorruptFileError): PickleValue {
  if (dtype.kind === 'O') return payload ?? null
  const bytes = payload instanceof Uint8Array ? payload : typeof payload === 'string' ? latin1Bytes(payload) : undefined
  if (!bytes) throw corrupt(`a numpy ${dtype.descr} scalar whose data is not bytes`)
  if (bytes.length !== dtype.itemsize) throw corrupt(`a numpy ${dtype.descr} scalar with ${bytes.length} bytes instead of ${dtype.itemsize}`)
  const value = new PickledArray(dtype, [], false, bytes, null).data[0]
  if (typeof value === 'bigint') return normalizeInt(value)
  return value as PickleValue
}

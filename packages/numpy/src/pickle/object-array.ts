import { CorruptFileError } from '@spikes/core'
import { PickledArray } from './array.js'
import { unpickle, type UnpickleOptions } from './unpickler.js'
import { pyTypeName, type PickleValue } from './values.js'

/** The elements and layout of an unpickled numpy object array. */
export interface ObjectArrayPayload {
  /** The elements in the order the pickle stores them (C order unless `fortranOrder`). */
  readonly values: PickleValue[]
  readonly shape: number[]
  readonly fortranOrder: boolean
}

/**
 * The payload of a `.npy` file whose dtype is `|O`: numpy writes `pickle.dump(array)` after the
 * header. Returns the elements of that object array, read with the safe unpickler.
 */
export function unpickleObjectArray(payload: Uint8Array, options: UnpickleOptions = {}): ObjectArrayPayload {
  const value = unpickle(payload, options)
  if (!(value instanceof PickledArray) || !value.objects) {
    const what = value instanceof PickledArray ? `an array of ${value.dtype.descr}` : `a ${pyTypeName(value)}`
    throw new CorruptFileError(`${options.file ? `${options.file}: ` : ''}the pickled payload of an object (|O) array holds ${what}, not an object array.`, { ...(options.file ? { file: options.file } : {}), found: what })
  }
  return { values: value.objects, shape: value.shape, fortranOrder: value.fortranOrder }
}

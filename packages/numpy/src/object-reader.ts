import { CorruptFileError } from '@spikes/core'
import type { NpyObjectReader } from './read-npy.js'

/**
 * The single wiring point for object arrays ('|O'): the reader used when a call passes no
 * `objectReader`. It is the package's safe, allowlist-only unpickler (src/pickle), loaded on first
 * use so that readers of plain numeric arrays never pay for it.
 */
export async function defaultObjectReader(): Promise<NpyObjectReader> {
  const { unpickleObjectArray } = await import('./pickle/object-array.js')
  return (bytes, header, file) => {
    const { values } = unpickleObjectArray(bytes, file === undefined ? {} : { file })
    if (values.length !== header.count) {
      throw new CorruptFileError(`${file === undefined ? 'The' : `${file}: the`} pickled payload of an object array holds ${values.length} elements; its .npy header says shape (${header.shape.join(', ')}).`, {
        ...(file === undefined ? {} : { file }),
        expected: header.count,
        actual: values.length,
      })
    }
    return values
  }
}

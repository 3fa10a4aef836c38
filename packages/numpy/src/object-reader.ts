import type { NpyObjectReader } from './read-npy.js'

/**
 * The single wiring point for object arrays ('|O'): the reader used when a call passes no
 * `objectReader`. Until the safe unpickler is wired here, object arrays are SPIKES_UNSUPPORTED.
 * To wire it, return the unpickler-based reader from this function (one import, one line).
 */
export function defaultObjectReader(): NpyObjectReader | undefined {
  return undefined
}

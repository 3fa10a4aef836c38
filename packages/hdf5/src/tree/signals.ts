// The two internal signals of the tree reader. Neither leaves @spikes/hdf5's tree path as a user-facing error:
// NeedBytes is caught by the async driver (settle.ts), which fetches the blocks and parses again; TreeUnsupported
// tells the caller to read the file with h5wasm instead (a feature this reader does not decode, or a structure it
// could not make sense of: h5wasm then reads it or raises its own typed error).
import { LayoutUnreadable } from '../layout/raw-file.js'

/** A parse needs blocks of the file that are not in the cache yet (block numbers, ascending). */
export class NeedBytes {
  constructor(readonly blocks: number[]) {}
}

/** The tree reader does not decode something in this file: read it with h5wasm. Never a wrong value. */
export class TreeUnsupported extends Error {
  readonly code = 'SPIKES_HDF5_TREE_UNSUPPORTED'
  constructor(readonly feature: string) {
    super(`The HDF5 tree reader does not read ${feature}; h5wasm reads this file.`)
  }
}

/** True for the signals that mean "read this file with h5wasm" (unsupported or not understood). */
export function isFallbackSignal(error: unknown): error is Error {
  return error instanceof TreeUnsupported || error instanceof LayoutUnreadable
}

/**
 * Runs `fn` on every item, even after one needs bytes, and then throws one NeedBytes for the blocks all of them
 * missed: the siblings of a B-tree level are then fetched in one round instead of one round each.
 */
export function gatherMisses<T>(items: readonly T[], fn: (item: T) => void): void {
  let missing: number[] | undefined
  for (const item of items) {
    try {
      fn(item)
    } catch (error) {
      if (!(error instanceof NeedBytes)) throw error
      ;(missing ??= []).push(...error.blocks)
    }
  }
  if (missing) throw new NeedBytes(missing)
}

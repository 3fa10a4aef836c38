import type { RawFile } from './raw-file.js'
import { readMessages } from '../tree/messages.js'

/** Message types read here (HDF5 file format spec, IV.A.2). */
export const MSG_LAYOUT = 0x0008
export const MSG_FILTERS = 0x000b

/** The bodies of the messages of `types` in the object header at `address` (relative to the base), by type (the first of each). */
export function readHeaderMessages(file: RawFile, address: number, types: readonly number[]): Map<number, DataView> {
  const found = new Map<number, DataView>()
  for (const m of readMessages(file, address)) if (types.includes(m.type) && !found.has(m.type)) found.set(m.type, m.body)
  return found
}

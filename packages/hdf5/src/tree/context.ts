import type { RawFile } from '../layout/raw-file.js'
import type { BlockCache } from './block-cache.js'

/** What every parse of one file shares: its layout facts, its block cache, and the global heap collections read. */
export interface TreeContext {
  readonly file: RawFile
  readonly cache: BlockCache
  /** Name for messages. */
  readonly name: string
  /** Global heap collections by address: object index -> bytes. */
  readonly heaps: Map<number, Map<number, Uint8Array>>
}

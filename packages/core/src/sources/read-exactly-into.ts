import { readExactly } from './read-helpers.js'
import type { ByteSource } from './source.js'
import { truncated } from './truncated.js'

/**
 * Fills `target` with exactly `target.length` bytes from `offset` and returns it: through `readInto` when the
 * source has one (a buffer the caller reuses, nothing allocated), else `read`. Fewer bytes are the
 * CorruptFileError of {@link readExactly}.
 */
export async function readExactlyInto(source: ByteSource, offset: number, target: Uint8Array): Promise<Uint8Array> {
  if (!source.readInto) return target.set(await readExactly(source, offset, target.length)), target
  const n = await source.readInto(offset, target)
  if (n < target.length) throw truncated(source, offset, target.length, n)
  return target
}

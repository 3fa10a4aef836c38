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

/**
 * Reads for a loop that works on one piece of `source` while the next is read (the read-ahead of a
 * chunked scan): `read(offset, length)` resolves to exactly `length` bytes from `offset`, `length` at most
 * `capacity`. With `readInto`, into two buffers of `capacity` bytes allocated once and used in turn, so a
 * piece is valid until the read after the next one starts, and a 1 GB file allocates 2 x `capacity`, not
 * 1 GB of fresh pieces; otherwise each piece is a fresh array from `read`. Fewer bytes are the
 * CorruptFileError of {@link readExactly}. A read that fails while nobody awaits it (the loop stopped at a
 * bad value or an abort) is not reported as an unhandled rejection.
 */
export function alternatingReads(source: ByteSource, capacity: number): (offset: number, length: number) => Promise<Uint8Array> {
  const buffers = source.readInto ? [new Uint8Array(capacity), new Uint8Array(capacity)] : undefined
  let turn = 0
  return (offset, length) => {
    const read = buffers ? readExactlyInto(source, offset, buffers[turn++ % 2].subarray(0, length)) : readExactly(source, offset, length)
    read.catch(() => {})
    return read
  }
}

import { InvalidArgumentError, LimitExceededError } from '../errors.js'
import type { ByteSource } from './source.js'
import { truncated } from './truncated.js'

/** Reads a whole source, refusing sources larger than `maxBytes` with LimitExceededError (nothing is allocated first). */
export async function readAll(source: ByteSource, maxBytes = 512 * 1024 * 1024): Promise<Uint8Array> {
  const size = await source.size()
  if (size > maxBytes) throw new LimitExceededError(`${source.name} is ${size} bytes, more than the ${maxBytes} read whole at most.`, { limit: maxBytes, actual: size, what: 'file', file: source.name })
  return readExactly(source, 0, size)
}

/** Exactly `length` bytes or a CorruptFileError naming what was missing. */
export async function readExactly(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await source.read(offset, length)
  if (bytes.length < length) throw truncated(source, offset, length, bytes.length)
  return bytes
}

/**
 * A whole source decoded as UTF-8 (invalid bytes become U+FFFD, a BOM is dropped). Sources larger than
 * `maxBytes` (default 64 MiB) are refused with LimitExceededError before the content is read.
 */
export async function readText(source: ByteSource, maxBytes = 64 * 1024 * 1024): Promise<string> {
  return new TextDecoder('utf-8').decode(await readAll(source, maxBytes))
}

/** Throws InvalidArgumentError unless `offset` and `length` are non-negative safe integers (the ByteSource.read contract). */
export function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidArgumentError('offset', offset, 'a non-negative integer')
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidArgumentError('length', length, 'a non-negative integer')
}

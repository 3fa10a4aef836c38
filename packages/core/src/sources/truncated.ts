import { CorruptFileError } from '../errors.js'
import type { ByteSource } from './source.js'

/** The CorruptFileError of a read that got `got` of the `length` bytes asked for at `offset`. */
export function truncated(source: ByteSource, offset: number, length: number, got: number): CorruptFileError {
  return new CorruptFileError(`${source.name} ends after ${offset + got} bytes, but ${offset + length} were needed. The file is truncated.`, { file: source.name, needed: offset + length, available: offset + got })
}

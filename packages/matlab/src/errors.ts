import { CorruptFileError } from '@spikes/core'

/** A MAT file whose bytes break the format: what was found, where, and in which file. */
export function corruptMat(file: string, message: string, details: Record<string, unknown> = {}): CorruptFileError {
  return new CorruptFileError(`${file}: ${message}`, { file, ...details })
}

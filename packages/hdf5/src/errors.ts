import { CorruptFileError, IntegrityError, SpikesError } from '@spikes/core'

/** The first useful line of an HDF5-DIAG stack ("H5Dread(): can't read data"), for error details. */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  const lines = text.split('\n').map((l) => l.trim())
  const minors = lines.filter((l) => l.startsWith('minor:')).map((l) => l.slice(6).trim())
  const deepest = [...lines].reverse().find((l) => /^#\d+:/.test(l))
  const where = deepest ? deepest.replace(/^#\d+:\s*\S+ line \d+ in /, '') : lines[0]
  return [where, minors[minors.length - 1]].filter(Boolean).join(' / ').slice(0, 300)
}

let transferFailure: Error | null = null

/**
 * Records why a read of a mounted remote file failed (a NetworkError, an AbortedError): HDF5 only sees an
 * I/O error, and the guarded call that it makes fail rethrows this typed error instead.
 */
export function noteTransferFailure(error: Error): void {
  transferFailure = error
}

/**
 * Runs a synchronous h5wasm call and turns HDF5 failures into CorruptFileError (SpikesErrors pass through),
 * or into the transfer error of a remote read that failed during the call.
 */
export function guard<T>(what: string, file: string, fn: () => T, details: Record<string, unknown> = {}): T {
  transferFailure = null
  try {
    return fn()
  } catch (error) {
    const transfer = transferFailure
    transferFailure = null
    throw transfer ?? toHdf5Error(error, what, file, details)
  }
}

export function toHdf5Error(error: unknown, what: string, file: string, details: Record<string, unknown> = {}): Error {
  if (error instanceof SpikesError) return error
  const reason = hdf5Reason(error)
  const text = error instanceof Error ? error.message : String(error)
  if (/fletcher32 checksum/i.test(text)) {
    return new IntegrityError(`${what} in ${file} failed: a chunk fails its Fletcher32 checksum (${reason}). The file is damaged.`, { file, reason, ...details })
  }
  if (error instanceof RangeError || /allocation|out of memory|exceeds maximum memory/i.test(reason)) {
    return new CorruptFileError(`${what} in ${file} needs more memory than is available (${reason}). The file may be corrupt, or the selection too large: read it in slices.`, { file, reason, ...details }, { cause: error })
  }
  return new CorruptFileError(`${what} in ${file} failed inside HDF5: ${reason}. The file is truncated, corrupt or not HDF5.`, { file, reason, ...details }, { cause: error })
}

import { SpikesError } from '@spikes/core'

/** `scan merge` found shards missing or unfinished (details: `missing`, `incomplete` shard names). */
export class ScanIncompleteError extends SpikesError {
  override readonly name = 'ScanIncompleteError'
  declare readonly missing: string[]
  declare readonly incomplete: string[]
  constructor(folder: string, missing: string[], incomplete: string[], expected: number) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', incomplete.length ? `not finished ${incomplete.join(', ')}` : ''].filter(Boolean)
    super(
      'SPIKES_SCAN_INCOMPLETE',
      `Cannot merge ${folder}: of ${expected} shards, ${parts.join('; ')}. Run (or re-run with --resume) the shard tasks named, then merge again.`,
      { folder, missing, incomplete, expected },
    )
  }
}

/** Shards of one output folder disagree (other shard counts, or other source lists). */
export class ScanMismatchError extends SpikesError {
  override readonly name = 'ScanMismatchError'
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SPIKES_SCAN_MISMATCH', message, details)
  }
}

/** A job submitted with `scan submit` failed (details: `failed`, the task indexes and their exit codes). */
export class ScanJobError extends SpikesError {
  override readonly name = 'ScanJobError'
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SPIKES_SCAN_JOB_FAILED', message, details)
  }
}

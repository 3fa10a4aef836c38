import { toFloatArray } from './alf-objects.js'

/** SpikeLab's trial metadata keys and the IBL trials columns they come from; times are seconds in, ms out. */
export const TRIAL_TIME_FIELDS: readonly (readonly [string, string])[] = [
  ['trial_start_times', 'intervals_0'],
  ['trial_end_times', 'intervals_1'],
  ['stim_on_times', 'stimOn_times'],
  ['stim_off_times', 'stimOff_times'],
  ['go_cue_times', 'goCue_times'],
  ['response_times', 'response_times'],
  ['feedback_times', 'feedback_times'],
  ['first_movement_times', 'firstMovement_times'],
]

export const TRIAL_VALUE_FIELDS: readonly (readonly [string, string])[] = [
  ['choice', 'choice'],
  ['feedback_type', 'feedbackType'],
  ['contrast_left', 'contrastLeft'],
  ['contrast_right', 'contrastRight'],
  ['probability_left', 'probabilityLeft'],
]

export interface TrialsMetadata {
  readonly metadata: Record<string, unknown>
  /** Columns SpikeLab reads that the trials object lacks. */
  readonly missing: string[]
}

/** The trials object's columns as SpikeLab's metadata: `n_trials`, then times in ms (value * 1000) and the other fields as float64. */
export function trialsMetadata(columns: Map<string, ArrayLike<unknown>>): TrialsMetadata {
  let nTrials = 0
  for (const col of columns.values()) nTrials = Math.max(nTrials, col.length)
  const metadata: Record<string, unknown> = { n_trials: nTrials }
  const missing: string[] = []
  for (const [key, column] of TRIAL_TIME_FIELDS) {
    const col = columns.get(column)
    if (col) metadata[key] = toFloatArray(col, 1000)
    else missing.push(column)
  }
  for (const [key, column] of TRIAL_VALUE_FIELDS) {
    const col = columns.get(column)
    if (col) metadata[key] = toFloatArray(col)
    else missing.push(column)
  }
  return { metadata, missing }
}

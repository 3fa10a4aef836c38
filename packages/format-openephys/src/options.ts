import { durationMsOption, rateHzOption, textOption } from '@spikes/core/loader-utils'
import { description, integer, minValue, number, object, optional, pipe, type InferInput, type InferOutput } from 'valibot'

/** Options of the Open Ephys loader, as a schema (snake_case aliases are accepted). */
export const openephysOptions = object({
  fsHz: rateHzOption('Sampling rate in Hz. Optional: structure.oebin and the .spikes headers give it.'),
  recording: textOption(undefined, "a recording path such as 'experiment1/recording2'", 'Record Node folder of the Binary format: which experimentN/recordingM to read (default: the only one).'),
  recordingNumber: optional(
    pipe(
      number('a recording number'),
      integer('a whole recording number'),
      minValue(0, 'a recording number >= 0'),
      description('Legacy .spikes files: keep only the spikes of this recording (their recordingNumber field, counted from 0); default all.'),
    ),
  ),
  lengthMs: durationMsOption('Recording length in ms (default: the last spike time).'),
})

/** The options as callers write them. */
export type OpenephysOptions = InferInput<typeof openephysOptions>

/** {@link OpenephysOptions} after validation. */
export type ResolvedOpenephysOptions = InferOutput<typeof openephysOptions>

import { durationMsOption, flagOption, rateHzOption, textOption } from '@spikes/core/loader-utils'
import { array, description, integer, minValue, number, object, optional, pipe, type InferInput, type InferOutput } from 'valibot'

/** Options of the Neuroscope / Klusters loader, as a schema (snake_case aliases are accepted). */
export const neuroscopeOptions = object({
  fsHz: rateHzOption('Sampling rate in Hz of the .res times. Optional when the session .xml gives acquisitionSystem/samplingRate.'),
  session: textOption(undefined, 'a session base name', 'Session base name (the part before .res.N) when the folder holds several sessions.'),
  shanks: optional(
    pipe(
      array(pipe(number('a shank number'), integer('a whole shank number'), minValue(0, 'a shank number >= 0')), 'a list of shank numbers'),
      description('Only these shanks (the N of .res.N); default every shank with both a .res and a .clu file.'),
    ),
  ),
  includeNoise: flagOption(false, 'Keep cluster 0 (noise / artefacts) as a unit per shank.'),
  includeMua: flagOption(false, 'Keep cluster 1 (multi-unit activity / unclustered) as a unit per shank.'),
  lengthMs: durationMsOption('Recording length in ms (default: the last spike time).'),
})

/** The options as callers write them. */
export type NeuroscopeOptions = InferInput<typeof neuroscopeOptions>

/** {@link NeuroscopeOptions} after validation: defaults filled in. */
export type ResolvedNeuroscopeOptions = InferOutput<typeof neuroscopeOptions>

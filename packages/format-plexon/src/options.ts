import { flagOption } from '@spikes/core/loader-utils'
import { object, type InferInput, type InferOutput } from 'valibot'

/** Options of the plexon loader (.plx, .nex, .nex5), as a schema. */
export const plexonOptions = object({
  includeUnsorted: flagOption(true, "Keep each .plx channel's unsorted spikes (unit 0) as a unit of its own, labelled 'unsorted'."),
})

/** The options as callers write them. */
export type PlexonOptions = InferInput<typeof plexonOptions>

/** {@link PlexonOptions} after validation, defaults filled in. */
export type ResolvedPlexonOptions = InferOutput<typeof plexonOptions>

import { durationMsOption, flagOption, folderFileOption, rateHzOption } from '@spikes/core/loader-utils'
import { object, type InferInput, type InferOutput } from 'valibot'

/** The geomFile option's default: a folder without it simply has no electrode positions. */
export const DEFAULT_GEOM_FILE = 'geom.csv'

/** Options of the MountainSort loader, as a schema (names in lowerCamelCase; snake_case aliases are accepted). */
export const mountainsortOptions = object({
  fsHz: rateHzOption('Sampling rate in Hz. Optional when params.json (`samplerate`) or a MountainView .mv/.mv2 file gives it.'),
  firingsFile: folderFileOption(undefined, 'The firings file, relative to the folder (default firings.mda, else firings_true.mda).'),
  geomFile: folderFileOption(DEFAULT_GEOM_FILE, 'Electrode positions, one `x,y[,z]` row per channel, relative to the folder.'),
  lengthMs: durationMsOption('Recording length in ms (default: the last spike time).'),
  helperThread: flagOption(true, 'Read a local firings file of 4 M events or more with a helper thread beside the main one (Node, two cores or more); false keeps the load on one thread.'),
})

/** The options as callers write them. */
export type MountainsortOptions = InferInput<typeof mountainsortOptions>

/** {@link MountainsortOptions} after validation: defaults filled in. */
export type ResolvedMountainsortOptions = InferOutput<typeof mountainsortOptions>

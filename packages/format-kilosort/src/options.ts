import { durationMsOption, folderFileOption, rateHzOption, textOption, timeUnitOption, type TimeUnit } from '@spikes/core/loader-utils'
import { boolean, description, object, optional, picklist, pipe, string, type InferInput, type InferOutput } from 'valibot'

/** How each unit's electrode is found; see the channelLookup option. */
export type ChannelLookup = 'auto' | 'evidence' | 'legacy'
const CHANNEL_LOOKUPS: ChannelLookup[] = ['auto', 'evidence', 'legacy']

/** SpikeLab's load_spikedata_from_kilosort keyword arguments, in lowerCamelCase, as a schema. */
export const kilosortOptions = object({
  fsHz: rateHzOption('Sampling rate in Hz. Optional when params.py gives `sample_rate` (or when timeUnit is not samples).'),
  spikeTimesFile: folderFileOption('spike_times.npy', 'Spike times, relative to the folder.'),
  spikeClustersFile: folderFileOption(undefined, 'Cluster of each spike (default spike_clusters.npy; when that is absent, spike_templates.npy is used with a warning).'),
  clusterInfoTsv: textOption(
    undefined,
    "a TSV file name relative to the folder, or 'auto'",
    "A cluster table (cluster_id/id and group/KSLabel) that keeps good, mua and 'mua good' clusters, as SpikeLab does. 'auto' takes each cluster's label from cluster_group.tsv, then cluster_info.tsv, then KSLabel. Absent: every cluster is kept.",
  ),
  timeUnit: timeUnitOption('samples', "Unit of the spike times: 'samples', 's' or 'ms'."),
  includeNoise: optional(
    pipe(
      boolean('true or false'),
      description("With clusterInfoTsv: keep every cluster listed in the table whatever its label (clusters absent from it are still dropped). Default false. Given as false without clusterInfoTsv: the folder's labels decide, as with 'auto'."),
    ),
  ),
  channelLookup: optional(
    pipe(
      picklist(CHANNEL_LOOKUPS, "'auto', 'evidence' or 'legacy'"),
      description("How each unit's electrode is found: 'auto' from the best evidence in the folder (TSV ch, templates.npy, spike_positions.npy, pc_feature_ind.npy) and SpikeLab's channel_map[cluster_id] only as a flagged last resort; 'evidence' never channel_map[cluster_id]; 'legacy' SpikeLab's rule (TSV ch, templates.npy, channel_map[cluster_id])."),
    ),
    'auto',
  ),
  lengthMs: durationMsOption('Recording length in ms (default: last spike + one float step).'),
  channelMapFile: folderFileOption('channel_map.npy', 'Channel map, relative to the folder.'),
  channelPositionsFile: folderFileOption('channel_positions.npy', 'Channel positions, relative to the folder.'),
})

/** The options as callers write them. */
export type KilosortOptions = InferInput<typeof kilosortOptions>

/** {@link KilosortOptions} after validation: defaults filled in, null read as absent. */
export interface ResolvedKilosortOptions extends Omit<InferOutput<typeof kilosortOptions>, 'spikeClustersFile' | 'includeNoise'> {
  spikeClustersFile: string
  /** True when spikeClustersFile was left at its default (the templates fallback may then apply). */
  defaultClustersFile: boolean
  timeUnit: TimeUnit
  includeNoise: boolean
  /** True when includeNoise was given (not left at its default). */
  includeNoiseGiven: boolean
  channelLookup: ChannelLookup
}

/** Derived values, after the schema has checked each option (params.py may still supply fsHz). */
export function resolveKilosortOptions(options: InferOutput<typeof kilosortOptions>): ResolvedKilosortOptions {
  return {
    ...options,
    spikeClustersFile: options.spikeClustersFile ?? 'spike_clusters.npy',
    defaultClustersFile: options.spikeClustersFile === undefined,
    includeNoise: options.includeNoise ?? false,
    includeNoiseGiven: options.includeNoise !== undefined,
    channelLookup: options.channelLookup ?? 'auto',
  }
}

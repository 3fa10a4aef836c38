import { InvalidArgumentError } from '@spikes/core'
import { checkSamplingRate, checkTimeUnit, type TimeUnit } from '@spikes/core/loader-utils'

/** SpikeLab's load_spikedata_from_kilosort keyword arguments, in lowerCamelCase. */
export interface KilosortOptions {
  /** Sampling rate in Hz. Optional when params.py gives `sample_rate` (or when timeUnit is not 'samples'). */
  fsHz?: number
  /** Spike times, relative to the folder (default 'spike_times.npy'). */
  spikeTimesFile?: string
  /** Cluster of each spike (default 'spike_clusters.npy'; when that default is absent, spike_templates.npy is used with a warning). */
  spikeClustersFile?: string
  /**
   * A cluster table (TSV with cluster_id/id and group/KSLabel) that filters units the way SpikeLab does:
   * good, mua and "mua good" are kept (case-insensitive). 'auto' filters on the label of each cluster from
   * cluster_group.tsv, then cluster_info.tsv `group`, then KSLabel. Absent: every cluster is kept.
   */
  clusterInfoTsv?: string | null
  /** Unit of the spike times: 'samples' (default), 's' or 'ms'. */
  timeUnit?: TimeUnit
  /**
   * With clusterInfoTsv: keep every cluster listed in the table whatever its label (clusters absent from
   * it are still dropped). Given as false without clusterInfoTsv: the folder's labels decide, as 'auto'.
   */
  includeNoise?: boolean
  /**
   * How each unit's electrode is found: 'auto' (default) from the best evidence in the folder (TSV `ch`,
   * templates.npy, spike_positions.npy, pc_feature_ind.npy), and SpikeLab's channel_map[cluster_id] only
   * as a flagged last resort; 'evidence' never uses channel_map[cluster_id]; 'legacy' is SpikeLab's rule
   * (TSV `ch`, templates.npy, then channel_map[cluster_id]).
   */
  channelLookup?: ChannelLookup
  /** Recording length in ms (default: last spike + one float step). */
  lengthMs?: number | null
  /** Channel map, relative to the folder (default 'channel_map.npy'). */
  channelMapFile?: string
  /** Channel positions, relative to the folder (default 'channel_positions.npy'). */
  channelPositionsFile?: string
}

/** See {@link KilosortOptions.channelLookup}. */
export type ChannelLookup = 'auto' | 'evidence' | 'legacy'

/** {@link KilosortOptions} after validation by {@link resolveKilosortOptions}: defaults filled in, null read as absent. */
export interface ResolvedKilosortOptions {
  /** As given; undefined when the caller gave none (params.py may still supply it). */
  fsHz: number | undefined
  spikeTimesFile: string
  spikeClustersFile: string
  /** True when spikeClustersFile was left at its default (the templates fallback may then apply). */
  defaultClustersFile: boolean
  clusterInfoTsv: string | undefined
  timeUnit: TimeUnit
  includeNoise: boolean
  /** True when includeNoise was given (not left at its default). */
  includeNoiseGiven: boolean
  channelLookup: ChannelLookup
  lengthMs: number | undefined
  channelMapFile: string
  channelPositionsFile: string
}

const KNOWN = ['fsHz', 'spikeTimesFile', 'spikeClustersFile', 'clusterInfoTsv', 'timeUnit', 'includeNoise', 'lengthMs', 'channelMapFile', 'channelPositionsFile', 'channelLookup'] as const

/** Validates every option before any I/O. Throws InvalidArgumentError naming the option. */
export function resolveKilosortOptions(input: unknown): ResolvedKilosortOptions {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) throw new InvalidArgumentError('options', input, 'an object of kilosort loader options')
  const raw = (input ?? {}) as Record<string, unknown>
  for (const [k, v] of Object.entries(raw)) {
    if (!(KNOWN as readonly string[]).includes(k)) throw new InvalidArgumentError(k, v, `a known kilosort option (${KNOWN.join(', ')})`)
  }
  const file = (name: string, fallback: string): string => {
    const v = raw[name]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(name, v, 'a file name relative to the folder')
    return v
  }
  const timeUnit = raw.timeUnit ?? 'samples'
  checkTimeUnit(timeUnit, 1, 'timeUnit')
  let fsHz: number | undefined
  if (raw.fsHz !== undefined && raw.fsHz !== null) {
    checkSamplingRate(raw.fsHz, 'fsHz')
    fsHz = raw.fsHz
  }
  const includeNoise = raw.includeNoise ?? false
  if (typeof includeNoise !== 'boolean') throw new InvalidArgumentError('includeNoise', includeNoise, 'true or false')
  const channelLookup = raw.channelLookup ?? 'auto'
  if (channelLookup !== 'auto' && channelLookup !== 'evidence' && channelLookup !== 'legacy') throw new InvalidArgumentError('channelLookup', channelLookup, "'auto', 'evidence' or 'legacy'")
  let lengthMs: number | undefined
  if (raw.lengthMs !== undefined && raw.lengthMs !== null) {
    if (typeof raw.lengthMs !== 'number' || !Number.isFinite(raw.lengthMs) || raw.lengthMs < 0) throw new InvalidArgumentError('lengthMs', raw.lengthMs, 'a finite, non-negative number of milliseconds')
    lengthMs = raw.lengthMs
  }
  let clusterInfoTsv: string | undefined
  if (raw.clusterInfoTsv !== undefined && raw.clusterInfoTsv !== null) {
    if (typeof raw.clusterInfoTsv !== 'string' || raw.clusterInfoTsv.trim() === '') throw new InvalidArgumentError('clusterInfoTsv', raw.clusterInfoTsv, "a TSV file name relative to the folder, or 'auto'")
    clusterInfoTsv = raw.clusterInfoTsv
  }
  return {
    fsHz,
    spikeTimesFile: file('spikeTimesFile', 'spike_times.npy'),
    spikeClustersFile: file('spikeClustersFile', 'spike_clusters.npy'),
    defaultClustersFile: raw.spikeClustersFile === undefined || raw.spikeClustersFile === null,
    clusterInfoTsv,
    timeUnit: timeUnit as TimeUnit,
    includeNoise,
    includeNoiseGiven: raw.includeNoise !== undefined && raw.includeNoise !== null,
    channelLookup,
    lengthMs,
    channelMapFile: file('channelMapFile', 'channel_map.npy'),
    channelPositionsFile: file('channelPositionsFile', 'channel_positions.npy'),
  }
}

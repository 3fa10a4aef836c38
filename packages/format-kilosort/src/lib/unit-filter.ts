import type { FolderSource, LoadContext } from '@spikes/core'
import type { ResolvedKilosortOptions } from '../options.js'
import { isKeptLabel, mergeClusterTables, readTsvFiles, spikeLabTsv, type ClusterTables } from './cluster-tables.js'

/** Which clusters to keep, what the cluster tables say about each, and a TSV `ch` column when there is one. */
export interface UnitFilter {
  /** Clusters to keep; undefined = every cluster. */
  keep?: Set<number>
  tables: ClusterTables
  tsvChannels?: { channels: Map<number, number>; file: string }
}

/**
 * The label decisions, every TSV read once:
 * - `clusterInfoTsv` given: SpikeLab's filter on that table (good / mua kept unless includeNoise);
 * - `'auto'`, or `includeNoise: false` given explicitly without a table: the folder's labels
 *   (cluster_group.tsv, then cluster_info.tsv `group`, then KSLabel) decide;
 * - neither: every cluster (SpikeLab's default), with one warning when the folder labels some as noise
 *   (none when includeNoise: true was asked for).
 */
export async function filterUnits(folder: FolderSource, opts: ResolvedKilosortOptions, clusterIds: readonly number[], context: LoadContext): Promise<UnitFilter> {
  const folderName = folder.path ?? folder.name
  const listed = (await folder.list('')).filter((e) => e.kind === 'file' && /^cluster_.*\.tsv$/i.test(e.name)).map((e) => e.name)
  let explicit: string | undefined
  if (opts.clusterInfoTsv !== undefined && opts.clusterInfoTsv !== 'auto') {
    if (await folder.exists(opts.clusterInfoTsv)) explicit = opts.clusterInfoTsv
    else {
      const advice = leavesFolder(opts.clusterInfoTsv)
        ? `. The loader reads files inside the folder only and does not follow a path out of it: copy or link the table into ${folderName}, or check the path for typos.`
        : '; omit clusterInfoTsv to silence this warning, or check the path for typos.'
      context.warn('SPIKES_WARN_TSV_NOT_FOUND', `cluster_info_tsv path does not exist: ${opts.clusterInfoTsv} in ${folderName}. Falling back to keeping all clusters${advice}`, {
        file: opts.clusterInfoTsv,
        folder: folderName,
      })
    }
  }
  const files = await readTsvFiles(folder, explicit ? [...listed, explicit] : listed)
  const result: UnitFilter = { tables: { labels: new Map(), attributes: new Map(), hasLabels: false, rowIds: new Map() } }
  if (explicit) {
    const table = files.get(explicit)
    if (table instanceof Error) throw table
    const spikeLab = spikeLabTsv(table, explicit, folderName, opts.includeNoise, context)
    result.keep = spikeLab.keep
    if (spikeLab.channels) result.tsvChannels = { channels: spikeLab.channels, file: explicit }
  }
  result.tables = mergeClusterTables(files, context, explicit)
  const info = files.get('cluster_info.tsv')
  if (!result.tsvChannels && info && !(info instanceof Error) && info.columns.includes('ch')) {
    const channels = spikeLabTsv(info, 'cluster_info.tsv', folderName, true, { ...context, warn: () => {} }).channels
    if (channels) result.tsvChannels = { channels, file: 'cluster_info.tsv' }
  }
  const byLabels = opts.clusterInfoTsv === 'auto' || (opts.clusterInfoTsv === undefined && opts.includeNoiseGiven && !opts.includeNoise)
  if (byLabels) result.keep = labelFilter(result.tables, opts.includeNoise, folderName, context)
  else if (opts.clusterInfoTsv === undefined && !opts.includeNoiseGiven) warnKeptNoise(result.tables, clusterIds, folderName, context)
  return result
}

/** An absolute path, or one with a '..' segment: SpikeLab would read it, the folder source does not go there. */
function leavesFolder(name: string): boolean {
  return /^([\\/]|[A-Za-z]:[\\/])/.test(name) || name.split(/[\\/]+/).includes('..')
}

function labelFilter(tables: ClusterTables, includeNoise: boolean, folderName: string, context: LoadContext): Set<number> | undefined {
  if (!tables.hasLabels) {
    context.warn('SPIKES_WARN_NO_LABELS', `clusterInfoTsv 'auto': no cluster labels in ${folderName} (cluster_group.tsv, cluster_info.tsv group, KSLabel); keeping all clusters.`, { folder: folderName })
    return undefined
  }
  const keep = new Set<number>()
  for (const [id, label] of tables.labels) if (includeNoise || isKeptLabel(label)) keep.add(id)
  return keep
}

/**
 * SpikeLab keeps every cluster without clusterInfoTsv; say so once when the folder's labels call some of
 * the clusters that have spikes noise (label rows of clusters merged away in Phy are not units).
 */
function warnKeptNoise(tables: ClusterTables, clusterIds: readonly number[], folderName: string, context: LoadContext): void {
  if (!tables.hasLabels) return
  let noise = 0
  for (const id of clusterIds) {
    const label = tables.labels.get(id)
    if (label !== undefined && !isKeptLabel(label)) noise++
  }
  if (noise === 0) return
  context.warn(
    'SPIKES_WARN_KILOSORT_NOISE_KEPT',
    `${noise} cluster(s) in ${folderName} are labelled noise (or another label than good / mua) and are kept, as SpikeLab does without clusterInfoTsv. Pass includeNoise: false (or clusterInfoTsv: 'auto') to drop them.`,
    { clusters: noise, folder: folderName },
  )
}

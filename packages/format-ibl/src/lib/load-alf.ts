import { MissingFileError, SelectionRequiredError, SpikeData, type FolderSource, type LoadContext } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import type { ResolvedAlfOptions } from '../options.js'
import { collectionsWith, indexAlfFolder, type AlfIndex } from './alf-index.js'
import { objectColumns, readObject } from './alf-objects.js'
import { channelLocation, electrodesByChannel } from './channels.js'
import { ClusterAttributes } from './clusters.js'
import { countClusters, groupSpikes, presentClusters } from './group-spikes.js'
import { openSpikeFiles } from './spike-files.js'
import { trialsMetadata } from './trials.js'

const SKIP_LARGE = (key: string) => /waveform|template/i.test(key)

/** The collection itself, then each parent up to the root: where a session's trials are looked for. */
export function ancestors(collection: string): string[] {
  const parts = collection ? collection.split('/') : []
  const out: string[] = []
  for (let i = parts.length; i >= 0; i--) out.push(parts.slice(0, i).join('/'))
  return out
}

export function chooseCollection(index: AlfIndex, folder: FolderSource, wanted: string | undefined): string {
  const candidates = collectionsWith(index, 'spikes', ['times', 'clusters'])
  if (wanted !== undefined) {
    if (!candidates.includes(wanted)) {
      throw new MissingFileError(`${wanted ? wanted + '/' : ''}spikes.times.npy`, folder.path ?? folder.name, candidates.length ? `Collections with spikes: ${candidates.map((c) => c || '(root)').join(', ')}.` : 'No collection of this folder holds spikes.times and spikes.clusters.')
    }
    return wanted
  }
  if (candidates.length === 1) return candidates[0]
  if (candidates.length === 0) throw new MissingFileError('spikes.times.npy', folder.path ?? folder.name, 'An ALF spikes object needs spikes.times.* and spikes.clusters.* (in the folder or a collection below it).')
  throw new SelectionRequiredError('collection', candidates.map((c) => c || '.'), 'Several collections of this folder hold spikes.')
}

/** Reads the trials object of the collection or of its nearest parent that has one; undefined when none. */
export async function readTrials(folder: FolderSource, index: AlfIndex, collection: string, revision: string | undefined, context: LoadContext) {
  const withTrials = new Set(collectionsWith(index, 'trials'))
  const where = ancestors(collection).find((c) => withTrials.has(c))
  if (where === undefined) return undefined
  const attrs = await readObject(folder, index, 'trials', where, revision, context)
  return { collection: where, ...trialsMetadata(objectColumns(attrs)) }
}

/** An ALF folder -> SpikeData: one unit per cluster, times in ms. */
export async function loadAlf(folder: FolderSource, opts: ResolvedAlfOptions, context: LoadContext): Promise<SpikeData> {
  const index = await indexAlfFolder(folder, context.signal)
  const collection = chooseCollection(index, folder, opts.collection)
  const files = (await openSpikeFiles(folder, index, collection, opts.revision, opts.spikeAttributes))!
  try {
    context.progress({ phase: 'counting spikes', loaded: 0, unit: 'spikes' })
    const counts = await countClusters(files.clusters, context.signal)
    const clusterAttrs = await readObject(folder, index, 'clusters', collection, opts.revision, context, { skip: SKIP_LARGE })
    const clusters = new ClusterAttributes(clusterAttrs)

    let unitClusters = opts.clusterIds ?? presentClusters(counts)
    for (const p of clusters.rowProblems(unitClusters)) {
      context.warn('SPIKES_WARN_ALF_CLUSTER_ROWS', `clusters.${p.key} has ${p.rows} rows, but ${p.missing.length} of the ${unitClusters.length} clusters have no row in it (${p.missing.slice(0, 5).join(', ')}${p.missing.length > 5 ? ', ...' : ''}); ALF keeps one row per cluster. Those clusters get no ${p.key}.`, { collection, attribute: p.key, rows: p.rows, clusters: unitClusters.length, missing: p.missing.length })
    }
    if (opts.goodOnly) {
      const labelled = unitClusters.filter((id) => clusters.of(id).label !== undefined)
      if (labelled.length === 0 && unitClusters.length > 0) {
        context.warn('SPIKES_WARN_ALF_NO_LABELS', `goodOnly was asked but ${collection || 'the folder'} has no cluster labels (clusters.metrics 'label' or clusters.label); every cluster is kept.`, { collection })
      } else unitClusters = unitClusters.filter((id) => clusters.of(id).label === 1)
    }

    context.progress({ phase: 'grouping spikes', loaded: 0, total: counts.nSpikes, unit: 'spikes' })
    const grouped = await groupSpikes(files, counts, unitClusters, context.signal)
    context.progress({ phase: 'grouping spikes', loaded: counts.nSpikes, total: counts.nSpikes, unit: 'spikes' })

    const channelAttrs = await readObject(folder, index, 'channels', collection, opts.revision, context)
    const neuronAttributes = unitClusters.map((id, u) => {
      const attr: Record<string, unknown> = { unit_id: id, cluster_id: id, ...clusters.of(id) }
      if (typeof attr.electrode === 'number') {
        const loc = channelLocation(channelAttrs, attr.electrode)
        if (loc) attr.location = loc
      }
      for (const [name, flat] of Object.entries(grouped.extras)) attr[name] = flat.subarray(grouped.offsets[u], grouped.offsets[u + 1])
      return attr
    })

    const metadata: Record<string, unknown> = {
      source_folder: folder.path ?? folder.name,
      source_format: 'ALF',
      collection,
      cluster_ids: unitClusters,
    }
    if (files.revision) metadata.revision = files.revision
    const electrodes = electrodesByChannel(channelAttrs)
    if (Object.keys(electrodes).length) metadata.electrodes_by_channel = electrodes
    if (opts.trials) {
      const trials = await readTrials(folder, index, collection, opts.revision, context)
      if (trials) Object.assign(metadata, trials.metadata, { trials_collection: trials.collection })
    }
    const total = grouped.times.length
    const lengthMs = opts.lengthMs ?? (total > 0 ? grouped.maxMs + spacing(grouped.maxMs) : 0)
    return new SpikeData({ times: grouped.times, offsets: grouped.offsets, lengthMs, neuronAttributes, metadata })
  } finally {
    await files.close()
  }
}

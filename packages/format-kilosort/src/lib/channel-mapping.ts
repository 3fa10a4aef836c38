// Cluster -> electrode (channel) from the best evidence in the folder, a documented deviation from
// SpikeLab (README, "Electrode and location"): the TSV `ch` column, then templates.npy (peak channel of
// the cluster's dominant template), then KiloSort 4's spike_positions.npy (the channel nearest the
// cluster's median spike position), then pc_feature_ind.npy (the dominant template's first channel),
// and only then, flagged, SpikeLab's legacy channel_map[cluster_id].
import { isSpikesError, type ByteSource, type FolderSource, type LoadContext } from '@spikes/core'
import { readNpyHeader, vectorLength } from '@spikes/numpy'
import type { ChannelLookup } from '../options.js'
import { numericData, positionsTable, readFolderNpy, templateChannelIndex, templatePeaks, tryReadNpy, type PositionsTable } from './channels.js'
import type { SideStream, UnitPlan } from './grouping.js'
import { PositionCollector } from './spike-positions.js'
import type { SpikeFiles } from './spike-files.js'
import { TemplateTally } from './templates.js'

/** Where a unit's electrode came from (also its `electrode_source` attribute). */
export type ElectrodeSource = string

/** A unit's electrode, the evidence it came from, and (KiloSort 4) its median spike position. */
export interface UnitChannel {
  channel: number
  source: ElectrodeSource
  medianPosition?: number[]
}

export interface EvidenceInput {
  folder: FolderSource
  files: SpikeFiles
  plan: UnitPlan
  /** cluster id -> channel from a TSV `ch` column, and that TSV's name. */
  tsvChannels?: { channels: Map<number, number>; file: string }
  channelMap: ArrayLike<number> | undefined
  positions: PositionsTable | undefined
  lookup: ChannelLookup
  context: LoadContext
}

/** What pass 2 must also read (side streams), and how to finish the mapping once it has. */
export interface ChannelEvidence {
  sides: SideStream[]
  finish(): Promise<Map<number, UnitChannel>>
}

/** Sets up the per-spike evidence (dominant templates, spike positions) that pass 2 gathers. */
export async function prepareChannelEvidence(input: EvidenceInput): Promise<ChannelEvidence> {
  const { folder, files, plan, tsvChannels, lookup } = input
  const result = new Map<number, UnitChannel>()
  if (tsvChannels) for (const id of plan.keptIds) if (tsvChannels.channels.has(id)) result.set(id, { channel: tsvChannels.channels.get(id)!, source: tsvChannels.file })
  const missing = () => plan.keptIds.some((id) => !result.has(id))
  const sides: SideStream[] = []
  let tally: TemplateTally | undefined
  let collector: PositionCollector | undefined
  if (missing() && !files.clustersFromTemplates && (await folder.exists('spike_templates.npy'))) {
    const source = await folder.open('spike_templates.npy')
    const header = await readNpyHeader(source).catch((error: unknown) => (isSpikesError(error) ? undefined : Promise.reject(error)))
    const n = header && (vectorLength(header.shape) ?? header.count)
    if (n === files.nSpikes) {
      tally = new TemplateTally(plan.keptIds)
      sides.push({ source, width: 1, consume: (ids, values) => tally!.add(ids, values) })
    } else {
      await source.close()
      if (await folder.exists('templates.npy')) {
        input.context.warn('SPIKES_WARN_TEMPLATES_SKIPPED', `Templates fallback skipped: spike_templates length ${n ?? 'unreadable'} doesn't match spike_clusters length ${files.nSpikes}.`, { spikeTemplates: n ?? null, spikeClusters: files.nSpikes })
      }
    }
  }
  if (missing() && lookup !== 'legacy' && input.positions && (await folder.exists('spike_positions.npy'))) {
    const source = await folder.open('spike_positions.npy')
    const width = await positionsWidth(source, files.nSpikes)
    if (width) {
      collector = new PositionCollector(plan, width)
      sides.push({ source, width, consume: (ids, values) => collector!.add(ids, values) })
    } else await source.close()
  }
  return {
    sides,
    finish: async () => {
      const dominant = files.clustersFromTemplates ? plan.keptIds : tally?.dominant()
      await fromTemplates(input, dominant, result)
      if (collector && input.positions) fromSpikePositions(input, collector.medians(), result)
      if (lookup !== 'legacy') await fromPcFeatureInd(input, dominant, result)
      if (lookup !== 'evidence') fromLegacyLookup(input, result)
      return result
    },
  }
}

async function positionsWidth(source: ByteSource, nSpikes: number): Promise<number | undefined> {
  try {
    const h = await readNpyHeader(source)
    const ok = h.shape.length === 2 && h.shape[0] === nSpikes && (h.shape[1] === 2 || h.shape[1] === 3) && !h.fortranOrder && (h.dtype.kind === 'f' || h.dtype.kind === 'i')
    return ok ? h.shape[1] : undefined
  } catch (error) {
    if (isSpikesError(error)) return undefined
    throw error
  }
}

/** templates.npy: the peak channel of each cluster's dominant template (SpikeLab's templates route). */
async function fromTemplates(input: EvidenceInput, dominant: number[] | undefined, result: Map<number, UnitChannel>): Promise<void> {
  const { folder, plan, channelMap, context } = input
  if (!dominant || channelMap === undefined || !(await folder.exists('templates.npy'))) return
  if (plan.keptIds.every((id) => result.has(id))) return
  try {
    const templates = await readFolderNpy(folder, 'templates.npy', 'file')
    if (templates.shape.length !== 3) {
      context.warn('SPIKES_WARN_TEMPLATES_SKIPPED', `Templates fallback skipped: templates.npy shape (${templates.shape.join(', ')}) is not 3-D, or spike_templates length doesn't match spike_clusters length ${input.files.nSpikes}.`, {
        templatesShape: templates.shape,
        spikeClusters: input.files.nSpikes,
      })
      return
    }
    const peaks = templatePeaks(templates, 'templates.npy')
    const channelIndex = await templateChannelIndex(folder, templates.shape[0], templates.shape[2])
    plan.keptIds.forEach((id, u) => {
      const t = dominant[u]
      if (result.has(id) || !(t >= 0 && t < peaks.length)) return
      const pos = channelIndex ? channelIndex[t * templates.shape[2] + peaks[t]] : peaks[t]
      if (Number.isInteger(pos) && pos >= 0 && pos < channelMap.length) result.set(id, { channel: Math.trunc(channelMap[pos]), source: 'templates.npy' })
    })
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_TEMPLATES_FAILED', `Failed loading spike_templates.npy / templates.npy for cluster→channel fallback: ${error.message} Falling back to the next evidence.`, { code: error.code })
  }
}

/** KiloSort 4: the channel (channel_positions row) nearest each unit's median spike position. */
function fromSpikePositions(input: EvidenceInput, medians: (number[] | null)[], result: Map<number, UnitChannel>): void {
  const { positions, channelMap, plan } = input
  if (!positions || positions.rows === 0) return
  const dims = Math.min(positions.cols, medians.find((m) => m)?.length ?? 0)
  plan.keptIds.forEach((id, u) => {
    const median = medians[u]
    if (!median || median.some((v) => Number.isNaN(v))) return
    let best = -1
    let bestDistance = Infinity
    for (let r = 0; r < positions.rows; r++) {
      let d2 = 0
      for (let d = 0; d < dims; d++) d2 += (positions.data[r * positions.cols + d] - median[d]) ** 2
      if (d2 < bestDistance) [best, bestDistance] = [r, d2]
    }
    if (best < 0) return
    const existing = result.get(id)
    if (existing) existing.medianPosition = median
    else result.set(id, { channel: channelMap ? Math.trunc(channelMap[best]) : best, source: 'spike_positions.npy', medianPosition: median })
  })
}

/** pc_feature_ind.npy (n_templates, n_pc_channels): KiloSort lists each template's channels from its peak. */
async function fromPcFeatureInd(input: EvidenceInput, dominant: number[] | undefined, result: Map<number, UnitChannel>): Promise<void> {
  const { folder, plan, channelMap } = input
  if (!dominant || channelMap === undefined || plan.keptIds.every((id) => result.has(id))) return
  const { array } = await tryReadNpy(folder, 'pc_feature_ind.npy')
  if (!array || array.shape.length !== 2 || array.shape[1] < 1) return
  let index: ArrayLike<number>
  try {
    index = numericData(array, 'pc_feature_ind.npy')
  } catch {
    return
  }
  plan.keptIds.forEach((id, u) => {
    const t = dominant[u]
    if (result.has(id) || !(t >= 0 && t < array.shape[0])) return
    const row = index[t * array.shape[1]]
    if (Number.isInteger(row) && row >= 0 && row < channelMap.length) result.set(id, { channel: Math.trunc(channelMap[row]), source: 'pc_feature_ind.npy' })
  })
}

/** SpikeLab's legacy rule, channel_map[cluster_id]: right only when cluster ids are channel rows. Flagged. */
function fromLegacyLookup(input: EvidenceInput, result: Map<number, UnitChannel>): void {
  const { plan, channelMap, context } = input
  if (channelMap === undefined) return
  const rest = plan.keptIds.filter((id) => !result.has(id))
  if (!rest.length) return
  if (plan.unique.length > 0 && !plan.unique.every((id, k) => id === k)) {
    context.warn(
      'SPIKES_WARN_NONSEQUENTIAL_CLUSTERS',
      `Cluster IDs are not sequential (0..${plan.unique.length - 1}): channel_map lookup uses cluster ID as array index, which may assign incorrect electrode/location metadata after Phy curation. Provide cluster_info_tsv with a 'ch' column or ensure spike_templates.npy + templates.npy are in the folder so the loader can use the correct mapping.`,
      { clusters: plan.unique.length },
    )
  }
  let used = 0
  for (const id of rest) {
    if (id >= 0 && id < channelMap.length) {
      result.set(id, { channel: Math.trunc(channelMap[id]), source: 'channel_map[cluster_id]' })
      used++
    } else context.warn('SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP', `Cluster ${id} exceeds channel_map length (${channelMap.length}); skipping electrode/location assignment for this unit.`, { cluster: id, channelMapLength: channelMap.length })
  }
  if (used && input.lookup === 'auto') {
    context.warn(
      'SPIKES_WARN_KILOSORT_LEGACY_CHANNEL',
      `The electrode and location of ${used} unit(s) come from channel_map[cluster_id], SpikeLab's legacy rule, because the folder has no better evidence (no cluster_info.tsv 'ch', templates.npy, spike_positions.npy or pc_feature_ind.npy): they are right only when cluster ids are channel rows. Pass channelLookup: 'evidence' to leave them out.`,
      { units: used },
    )
  }
}

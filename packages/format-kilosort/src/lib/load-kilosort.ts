import { InvalidArgumentError, SpikeData, throwIfAborted, type FolderSource, type LoadContext } from '@spikes/core'
import { spacing, vouchSortedTrains } from '@spikes/core/loader-utils'
import type { ResolvedKilosortOptions } from '../options.js'
import { ChannelLocator, namedFileAbsent, numericData, positionsTable, readOptionalNpy } from './channels.js'
import { prepareChannelEvidence } from './channel-mapping.js'
import { planUnits, scatterSpikes } from './grouping.js'
import { checkedSampleRate, readParams } from './params.js'
import { warnTableRows } from './cluster-tables.js'
import { countClusters, openSpikeFiles } from './spike-files.js'
import { filterUnits } from './unit-filter.js'
import { electrodeSources, unitAttributes } from './unit-attributes.js'
import { probeTable } from './probe-table.js'

/**
 * A KiloSort / Phy folder as a SpikeData, in steps: params.py; the per-spike files (headers parsed
 * once); pass 1 counts spikes per cluster; the cluster tables decide which clusters are units; pass 2
 * scatters the times (and gathers the channel evidence); the channel mapping; the attributes.
 */
export async function loadKilosort(folder: FolderSource, opts: ResolvedKilosortOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  throwIfAborted(context.signal, 'Loading KiloSort')
  const { params, unreadable } = await readParams(folder, context)
  const fsHz = sampleRate(opts, checkedSampleRate(params, opts.fsHz, opts.timeUnit, context), params !== undefined ? 'params.py has no numeric sample_rate' : unreadable ? `params.py could not be read (${unreadable})` : 'the folder has no params.py', context)

  const files = await openSpikeFiles(folder, opts, context)
  try {
    const { unique, counts } = await countClusters(files, context)
    // Optional channel files: a failure is a warning, as in SpikeLab; so is a name given that is not there.
    const channelMap = await readOptionalNpy(
      folder,
      opts.channelMapFile,
      numericData,
      (reason) => context.warn('SPIKES_WARN_CHANNEL_MAP', `Failed loading channel_map (${opts.channelMapFile}): ${reason}`, { file: opts.channelMapFile }),
      namedFileAbsent(folder, { option: 'channelMapFile', file: opts.channelMapFile, fallback: 'channel_map.npy' }, 'SPIKES_WARN_CHANNEL_MAP', 'the units get no electrode from the channel map', context),
    )
    const positions = await readOptionalNpy(
      folder,
      opts.channelPositionsFile,
      positionsTable,
      (reason) => context.warn('SPIKES_WARN_CHANNEL_POSITIONS', `Failed loading channel_positions (${opts.channelPositionsFile}): ${reason}`, { file: opts.channelPositionsFile }),
      namedFileAbsent(folder, { option: 'channelPositionsFile', file: opts.channelPositionsFile, fallback: 'channel_positions.npy' }, 'SPIKES_WARN_CHANNEL_POSITIONS', 'the units get no location', context),
    )
    const filter = await filterUnits(folder, opts, unique, context)
    warnTableRows(filter.tables, unique, context)
    const plan = planUnits(unique, counts, filter.keep)
    const evidence = await prepareChannelEvidence({ folder, files, plan, tsvChannels: filter.tsvChannels, channelMap, positions, lookup: opts.channelLookup, context })
    let scattered: Awaited<ReturnType<typeof scatterSpikes>>
    try {
      scattered = await scatterSpikes(files, plan, opts.timeUnit, fsHz ?? 1, context, evidence.sides)
    } finally {
      for (const side of evidence.sides) await side.source.close()
    }
    const channels = await evidence.finish()
    const locator = new ChannelLocator(channelMap, positions)
    const neuronAttributes = plan.keptIds.map((id) => unitAttributes(id, channels.get(id), locator, filter.tables))

    const metadata: Record<string, unknown> = { source_folder: folderName, source_format: 'KiloSort', cluster_ids: plan.keptIds, fs_Hz: fsHz ?? null }
    if (plan.keptIds.length) metadata.electrode_sources = electrodeSources(channels, plan.keptIds)
    const probe = probeTable(channelMap, positions)
    if (probe) metadata.electrodes_by_channel = probe
    if (params) metadata.params = params.values
    const { times, max, sorted } = scattered
    const lengthMs = opts.lengthMs ?? (times.length > 0 ? max + spacing(max) : 0)
    // The scatter compared every time with its train's previous one: SpikeData need not read them all again.
    if (sorted) vouchSortedTrains(times)
    return new SpikeData({ times, offsets: plan.offsets, lengthMs, neuronAttributes, metadata })
  } finally {
    await files.close()
  }
}

/** fsHz as given, else params.py's sample_rate; warns when both are given and differ. */
function sampleRate(opts: ResolvedKilosortOptions, paramsRate: number | undefined, whyNone: string, context: LoadContext): number | undefined {
  if (opts.fsHz !== undefined && paramsRate !== undefined && paramsRate !== opts.fsHz) {
    context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${opts.fsHz} differs from params.py's sample_rate = ${paramsRate}; using fsHz.`, { fsHz: opts.fsHz, sampleRate: paramsRate })
  }
  const fsHz = opts.fsHz ?? paramsRate
  if (opts.timeUnit === 'samples' && fsHz === undefined) {
    throw new InvalidArgumentError('fsHz', opts.fsHz, `a positive sampling rate in Hz: timeUnit 'samples' needs one and ${whyNone}`, {
      hints: [{ kind: 'option', option: 'fsHz', example: 30000, why: "with the recording's sampling rate in Hz (30000 is an example)" }],
    })
  }
  return fsHz
}

import { InvalidArgumentError, InvalidDataError, isSpikesError, MissingFileError, readText, SpikeData, throwIfAborted, UnsupportedError, type ByteSource, type FolderSource, type LoadContext } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { isNumericDtype, readNpyByteChunks, readNpyChunks, readNpyHeader, vectorLength, type NpyByteChunk, type NpyChunk, type NpyHeader } from '@spikes/numpy'
import type { ResolvedKilosortOptions } from '../options.js'
import { ChannelLocator, numericData, positionsTable, readFolderNpy, readOptionalNpy, templatePeaks, tryReadNpy } from './channels.js'
import { ClusterCounter, SlotTable } from './cluster-index.js'
import { isKeptLabel, readClusterTables, readTsv, spikeLabTsv, warnTableRows, type ClusterTables } from './cluster-tables.js'
import { checkedSampleRate, parseParamsPy, type PhyParams } from './params.js'
import { CHUNK_LENGTH } from './constants.js'
import { scatterChunk, scatterInt64Chunk } from './scatter.js'
import { dominantTemplates } from './templates.js'

const MAX_PARAMS_BYTES = 1024 * 1024

export async function loadKilosort(folder: FolderSource, opts: ResolvedKilosortOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const signal = context.signal
  throwIfAborted(signal, 'Loading KiloSort')

  const { params, unreadable } = await readParams(folder, context)
  const paramsRate = checkedSampleRate(params, opts.fsHz, opts.timeUnit, context)
  const fsHz = opts.fsHz ?? paramsRate
  if (opts.fsHz !== undefined && paramsRate !== undefined && paramsRate !== opts.fsHz) {
    context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${opts.fsHz} differs from params.py's sample_rate = ${paramsRate}; using fsHz.`, { fsHz: opts.fsHz, sampleRate: paramsRate })
  }
  if (opts.timeUnit === 'samples' && fsHz === undefined) {
    throw new InvalidArgumentError('fsHz', opts.fsHz, `a positive sampling rate in Hz: timeUnit 'samples' needs one and ${params ? "params.py has no numeric sample_rate" : unreadable ? `params.py could not be read (${unreadable})` : 'the folder has no params.py'}`, {
      hints: [{ kind: 'option', option: 'fsHz', example: 30000, why: "with the recording's sampling rate in Hz (30000 is an example)" }],
    })
  }

  if (!(await folder.exists(opts.spikeTimesFile))) {
    throw new MissingFileError(opts.spikeTimesFile, folderName, 'A KiloSort / Phy folder holds spike_times.npy; pass spikeTimesFile if yours is named differently.', 'kilosort')
  }
  let clustersFile = opts.spikeClustersFile
  const clustersFromTemplates = !(await folder.exists(clustersFile))
  if (clustersFromTemplates) {
    if (!opts.defaultClustersFile || !(await folder.exists('spike_templates.npy'))) {
      throw new MissingFileError(clustersFile, folderName, 'KiloSort writes spike_templates.npy and Phy spike_clusters.npy next to spike_times.npy; without either the spikes cannot be grouped.', 'kilosort')
    }
    clustersFile = 'spike_templates.npy'
    context.warn('SPIKES_WARN_CLUSTERS_FROM_TEMPLATES', `${opts.spikeClustersFile} is not in ${folderName}; spikes are grouped by template (spike_templates.npy), as KiloSort assigned them before any Phy curation.`, {
      file: opts.spikeClustersFile,
      folder: folderName,
    })
  }

  const timesSource = await folder.open(opts.spikeTimesFile)
  const clustersSource = await folder.open(clustersFile)
  try {
    const nSpikes = await checkVectors(timesSource, opts.spikeTimesFile, clustersSource, clustersFile)

    // Pass 1: spikes per cluster (one counting pass, no per-cluster masks).
    const counter = new ClusterCounter(clustersFile)
    let counted = 0
    for await (const chunk of readNpyChunks(clustersSource, { chunkLength: CHUNK_LENGTH, signal })) {
      counter.add(chunk.data as ArrayLike<number>)
      counted += chunk.data.length
      context.progress({ phase: 'clusters', loaded: counted, total: nSpikes, unit: 'spikes' })
    }
    const { ids: unique, counts } = counter.result()

    // Optional channel files: a failure is a warning, as in SpikeLab.
    const channelMap = await readOptionalNpy(folder, opts.channelMapFile, numericData, (reason) =>
      context.warn('SPIKES_WARN_CHANNEL_MAP', `Failed loading channel_map (${opts.channelMapFile}): ${reason}`, { file: opts.channelMapFile }),
    )
    const positions = await readOptionalNpy(folder, opts.channelPositionsFile, positionsTable, (reason) =>
      context.warn('SPIKES_WARN_CHANNEL_POSITIONS', `Failed loading channel_positions (${opts.channelPositionsFile}): ${reason}`, { file: opts.channelPositionsFile }),
    )

    // Cluster tables: SpikeLab's filter on an explicit TSV, or 'auto' on the label chain.
    const listed = (await folder.list('')).filter((e) => e.kind === 'file' && /^cluster_.*\.tsv$/i.test(e.name)).map((e) => e.name)
    let keep: Set<number> | undefined
    let clusterChannels: Map<number, number> | undefined
    let explicit: string | undefined
    if (opts.clusterInfoTsv === 'auto') {
      explicit = undefined
    } else if (opts.clusterInfoTsv !== undefined) {
      if (!(await folder.exists(opts.clusterInfoTsv))) {
        context.warn('SPIKES_WARN_TSV_NOT_FOUND', `cluster_info_tsv path does not exist: ${opts.clusterInfoTsv} in ${folderName}. Falling back to keeping all clusters; omit clusterInfoTsv to silence this warning, or check the path for typos.`, {
          file: opts.clusterInfoTsv,
          folder: folderName,
        })
      } else {
        explicit = opts.clusterInfoTsv
        const result = spikeLabTsv(await readTsv(folder, explicit), explicit, folderName, opts.includeNoise, context)
        keep = result.keep
        clusterChannels = result.channels
      }
    }
    const tableFiles = explicit && !listed.includes(explicit) ? [...listed, explicit] : listed
    const tables = await readClusterTables(folder, tableFiles, context, explicit)
    warnTableRows(tables, unique, context)
    if (opts.clusterInfoTsv === 'auto') {
      const auto = await autoFilter(folder, tables, opts.includeNoise, folderName, context)
      keep = auto.keep
      clusterChannels = auto.channels
    }

    // Cluster -> channel: TSV `ch` > templates > channel_map[cluster_id].
    if (clusterChannels === undefined && channelMap !== undefined) {
      clusterChannels = await templatesFallback(folder, { unique, nSpikes, clustersSource, clustersFromTemplates, channelMap, signal }, context)
    }
    if (clusterChannels === undefined && channelMap !== undefined && unique.length > 0 && !unique.every((id, k) => id === k)) {
      context.warn(
        'SPIKES_WARN_NONSEQUENTIAL_CLUSTERS',
        `Cluster IDs are not sequential (0..${unique.length - 1}): channel_map lookup uses cluster ID as array index, which may assign incorrect electrode/location metadata after Phy curation. Provide cluster_info_tsv with a 'ch' column or ensure spike_templates.npy + templates.npy are in the folder so the loader can use the correct mapping.`,
        { clusters: unique.length },
      )
    }

    const locator = new ChannelLocator(channelMap, positions)
    const keptIds: number[] = []
    const offsets: number[] = [0]
    const slots: number[] = new Array(unique.length).fill(-1)
    const neuronAttributes: Record<string, unknown>[] = []
    for (let k = 0; k < unique.length; k++) {
      const id = unique[k]
      if (keep !== undefined && !keep.has(id)) continue
      slots[k] = keptIds.length
      keptIds.push(id)
      offsets.push(offsets[offsets.length - 1] + counts[k])
      neuronAttributes.push(unitAttributes(id, clusterChannels, channelMap, locator, tables, context))
    }

    // Pass 2: stream the spike times (and ids again) and write each spike into its unit's slice.
    const total = offsets[offsets.length - 1]
    const out = new Float64Array(total)
    const cursor = total < 2 ** 32 ? Uint32Array.from(offsets.slice(0, -1)) : Float64Array.from(offsets.slice(0, -1))
    const slotTable = new SlotTable(unique, slots)
    let max = -Infinity
    if (total > 0) {
      const timesHeader = await readNpyHeader(timesSource)
      const { kind, itemsize, byteOrder } = timesHeader.dtype
      // int64 / uint64 sample indices (KiloSort's own dtype) are decoded inside the scatter loop.
      const wordPath = (kind === 'u' || kind === 'i') && itemsize === 8 && byteOrder === '<'
      const idChunks = readNpyChunks(clustersSource, { chunkLength: CHUNK_LENGTH, signal })
      const timesChunks = wordPath ? readNpyByteChunks(timesSource, { chunkLength: CHUNK_LENGTH, signal }) : readNpyChunks(timesSource, { chunkLength: CHUNK_LENGTH, signal })
      let done = 0
      for (;;) {
        const [t, c] = await Promise.all([timesChunks.next(), idChunks.next()])
        if (t.done || c.done) break
        const ids = c.value.data as ArrayLike<number>
        if (wordPath) {
          const start = done
          max = scatterInt64Chunk((t.value as NpyByteChunk).bytes, kind === 'i', ids, slotTable, cursor, out, opts.timeUnit, fsHz ?? 1, max, (i) => tooLarge(opts.spikeTimesFile, timesHeader.dtype.descr, start + i))
        } else {
          max = scatterChunk((t.value as NpyChunk).data as ArrayLike<number>, ids, slotTable, cursor, out, opts.timeUnit, fsHz ?? 1, max)
        }
        done += ids.length
        context.progress({ phase: 'spikes', loaded: done, total: nSpikes, unit: 'spikes' })
      }
    }

    const metadata: Record<string, unknown> = {
      source_folder: folderName,
      source_format: 'KiloSort',
      cluster_ids: keptIds,
      fs_Hz: fsHz ?? null,
    }
    if (params) metadata.params = params.values
    const lengthMs = opts.lengthMs ?? (total > 0 ? max + spacing(max) : 0)
    return new SpikeData({ times: out, offsets, lengthMs, neuronAttributes, metadata })
  } finally {
    await timesSource.close()
    await clustersSource.close()
  }
}

function tooLarge(file: string, dtype: string, index: number): never {
  throw new InvalidDataError(`${file}: spike time ${index} is beyond 2^53 samples and cannot be represented exactly as a JavaScript number.`, { file, index, dtype, limit: 2 ** 53 })
}

/** params.py parsed, or why it could not be read (a folder without one gives neither). */
async function readParams(folder: FolderSource, context: LoadContext): Promise<{ params?: PhyParams; unreadable?: string }> {
  if (!(await folder.exists('params.py'))) return {}
  try {
    const source = await folder.open('params.py')
    try {
      const params = parseParamsPy(await readText(source, MAX_PARAMS_BYTES))
      if (params.skipped.length) context.warn('SPIKES_WARN_PARAMS', `params.py: ${params.skipped.join(', ')} ${params.skipped.length === 1 ? 'is' : 'are'} not a plain literal and ${params.skipped.length === 1 ? 'was' : 'were'} skipped (params.py is parsed, never executed).`, { skipped: params.skipped })
      return { params }
    } finally {
      await source.close()
    }
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_PARAMS', `params.py could not be read (${error.message}); it is ignored.`, {})
    return { unreadable: error.message }
  }
}

/** Both arrays must be numeric vectors ((N,), (N,1) or (1,N)) of the same length; returns N. */
async function checkVectors(timesSource: ByteSource, timesFile: string, clustersSource: ByteSource, clustersFile: string): Promise<number> {
  const th = await readNpyHeader(timesSource)
  const ch = await readNpyHeader(clustersSource)
  const nTimes = vectorOf(th, timesFile)
  const nClusters = vectorOf(ch, clustersFile)
  if (nTimes !== nClusters) {
    throw new InvalidDataError(`spike_times and spike_clusters length mismatch: ${timesFile} holds ${nTimes} spikes, ${clustersFile} ${nClusters}. Both must hold one entry per spike.`, {
      spikeTimes: nTimes,
      spikeClusters: nClusters,
      timesFile,
      clustersFile,
    })
  }
  return nTimes
}

function vectorOf(header: NpyHeader, file: string): number {
  if (!isNumericDtype(header.dtype) || header.dtype.kind === 'c') {
    throw new UnsupportedError(header.dtype.kind === 'O' ? 'npy-object-array' : 'kilosort-dtype', `${file} holds ${header.dtype.kind === 'O' ? 'pickled Python objects (dtype |O)' : `dtype ${header.dtype.descr}`}, not numbers; KiloSort writes integer or float arrays.`, {
      file,
      dtype: header.dtype.descr,
    })
  }
  const n = vectorLength(header.shape)
  if (n === undefined) throw new InvalidDataError(`${file} has shape (${header.shape.join(', ')}); one value per spike ((N,), (N,1) or (1,N)) was expected.`, { file, shape: [...header.shape] })
  return n
}

async function autoFilter(folder: FolderSource, tables: ClusterTables, includeNoise: boolean, folderName: string, context: LoadContext): Promise<{ keep?: Set<number>; channels?: Map<number, number> }> {
  let channels: Map<number, number> | undefined
  if (await folder.exists('cluster_info.tsv')) {
    const table = await readTsv(folder, 'cluster_info.tsv')
    if (table && table.columns.includes('ch')) channels = spikeLabTsv(table, 'cluster_info.tsv', folderName, true, { ...context, warn: () => {} }).channels
  }
  if (!tables.hasLabels) {
    context.warn('SPIKES_WARN_NO_LABELS', `clusterInfoTsv 'auto': no cluster labels in ${folderName} (cluster_group.tsv, cluster_info.tsv group, KSLabel); keeping all clusters.`, { folder: folderName })
    return { channels }
  }
  const keep = new Set<number>()
  for (const [id, label] of tables.labels) if (includeNoise || isKeptLabel(label)) keep.add(id)
  return { keep, channels }
}

function unitAttributes(id: number, clusterChannels: Map<number, number> | undefined, channelMap: ArrayLike<number> | undefined, locator: ChannelLocator, tables: ClusterTables, context: LoadContext): Record<string, unknown> {
  const attr: Record<string, unknown> = { unit_id: id }
  let ch: number | undefined
  if (clusterChannels?.has(id)) ch = clusterChannels.get(id)
  else if (channelMap !== undefined && id >= 0 && id < channelMap.length) ch = Math.trunc(channelMap[id])
  else if (channelMap !== undefined) {
    context.warn('SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP', `Cluster ${id} exceeds channel_map length (${channelMap.length}); skipping electrode/location assignment for this unit.`, { cluster: id, channelMapLength: channelMap.length })
  }
  if (ch !== undefined) {
    attr.electrode = ch
    const location = locator.location(ch)
    if (location) attr.location = location
  }
  const label = tables.labels.get(id)
  if (label !== undefined) attr.label = label
  const extra = tables.attributes.get(id)
  if (extra) for (const [k, v] of Object.entries(extra)) if (!(k in attr)) attr[k] = v
  return attr
}

interface TemplatesInput {
  unique: number[]
  nSpikes: number
  clustersSource: ByteSource
  clustersFromTemplates: boolean
  channelMap: ArrayLike<number>
  signal?: AbortSignal
}

/** Phy's template route: each cluster's most frequent template, that template's peak channel, channel_map. */
async function templatesFallback(folder: FolderSource, input: TemplatesInput, context: LoadContext): Promise<Map<number, number> | undefined> {
  if (!(await folder.exists('spike_templates.npy')) || !(await folder.exists('templates.npy'))) return undefined
  let templatesSource: ByteSource | undefined
  try {
    templatesSource = await folder.open('spike_templates.npy')
    const header = await readNpyHeader(templatesSource)
    const nTemplatesPerSpike = vectorLength(header.shape) ?? header.count
    const templates = await readFolderNpy(folder, 'templates.npy', 'file')
    if (templates.shape.length !== 3 || nTemplatesPerSpike !== input.nSpikes) {
      context.warn(
        'SPIKES_WARN_TEMPLATES_SKIPPED',
        `Templates fallback skipped: templates.npy shape (${templates.shape.join(', ')}) is not 3-D, or spike_templates length ${nTemplatesPerSpike} doesn't match spike_clusters length ${input.nSpikes}.`,
        { templatesShape: templates.shape, spikeTemplates: nTemplatesPerSpike, spikeClusters: input.nSpikes },
      )
      return undefined
    }
    const peaks = templatePeaks(templates, 'templates.npy')
    const channelIndex = await templateChannelIndex(folder, templates.shape[0], templates.shape[2])
    const dominant = input.clustersFromTemplates ? input.unique : await dominantTemplates(input.unique, input.clustersSource, templatesSource, input.signal)
    const map = new Map<number, number>()
    for (let k = 0; k < input.unique.length; k++) {
      const t = dominant[k]
      if (!(t >= 0 && t < peaks.length)) continue
      let pos = peaks[t]
      if (channelIndex) pos = channelIndex[t * templates.shape[2] + pos]
      if (pos >= 0 && pos < input.channelMap.length && Number.isInteger(pos)) map.set(input.unique[k], Math.trunc(input.channelMap[pos]))
    }
    return map.size > 0 ? map : undefined
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_TEMPLATES_FAILED', `Failed loading spike_templates.npy / templates.npy for cluster→channel fallback: ${error.message} Falling back to channel_map[cluster_id] lookup.`, { code: error.code })
    return undefined
  } finally {
    await templatesSource?.close()
  }
}

/**
 * Sparse templates (Phy's template_ind.npy, KiloSort's templates_ind.npy): row t maps the template's
 * local channel to a channel index. Used only when its shape matches (n_templates, n_local_channels).
 */
async function templateChannelIndex(folder: FolderSource, nTemplates: number, nLocal: number): Promise<ArrayLike<number> | undefined> {
  for (const file of ['template_ind.npy', 'templates_ind.npy']) {
    const { array } = await tryReadNpy(folder, file)
    if (!array || array.shape.length !== 2 || array.shape[0] !== nTemplates || array.shape[1] !== nLocal) continue
    try {
      return numericData(array, file)
    } catch {
      continue
    }
  }
  return undefined
}

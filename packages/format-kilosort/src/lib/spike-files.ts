import { InvalidDataError, MissingFileError, UnsupportedError, type ByteSource, type FolderSource, type LoadContext } from '@spikes/core'
import { isNumericDtype, readNpyChunks, readNpyHeader, vectorLength, type NpyHeader } from '@spikes/numpy'
import type { ResolvedKilosortOptions } from '../options.js'
import { ClusterCounter } from './cluster-index.js'
import { CHUNK_LENGTH } from './constants.js'

/** The two per-spike files, opened once, with their headers parsed once. */
export interface SpikeFiles {
  times: ByteSource
  timesFile: string
  timesHeader: NpyHeader
  clusters: ByteSource
  clustersFile: string
  clustersHeader: NpyHeader
  /** True when spikes are grouped by spike_templates.npy (no spike_clusters.npy). */
  clustersFromTemplates: boolean
  nSpikes: number
  close(): Promise<void>
}

/** Opens spike_times and spike_clusters (or spike_templates, with a warning), checking both are vectors of one length. */
export async function openSpikeFiles(folder: FolderSource, opts: ResolvedKilosortOptions, context: LoadContext): Promise<SpikeFiles> {
  const folderName = folder.path ?? folder.name
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
  const times = await folder.open(opts.spikeTimesFile)
  const clusters = await folder.open(clustersFile)
  const close = async () => {
    await times.close()
    await clusters.close()
  }
  try {
    const timesHeader = await readNpyHeader(times)
    const clustersHeader = await readNpyHeader(clusters)
    const nTimes = vectorOf(timesHeader, opts.spikeTimesFile)
    const nClusters = vectorOf(clustersHeader, clustersFile)
    if (nTimes !== nClusters) {
      throw new InvalidDataError(`spike_times and spike_clusters length mismatch: ${opts.spikeTimesFile} holds ${nTimes} spikes, ${clustersFile} ${nClusters}. Both must hold one entry per spike.`, {
        spikeTimes: nTimes,
        spikeClusters: nClusters,
        timesFile: opts.spikeTimesFile,
        clustersFile,
      })
    }
    return { times, timesFile: opts.spikeTimesFile, timesHeader, clusters, clustersFile, clustersHeader, clustersFromTemplates, nSpikes: nTimes, close }
  } catch (error) {
    await close()
    throw error
  }
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

/** Pass 1: spikes per cluster in one counting pass (no per-cluster masks); ids ascending as numpy.unique. */
export async function countClusters(files: SpikeFiles, context: LoadContext): Promise<{ unique: number[]; counts: number[] }> {
  const counter = new ClusterCounter(files.clustersFile)
  let counted = 0
  for await (const chunk of readNpyChunks(files.clusters, { chunkLength: CHUNK_LENGTH, signal: context.signal, header: files.clustersHeader, reuse: true })) {
    counter.add(chunk.data as ArrayLike<number>)
    counted += chunk.data.length
    context.progress({ phase: 'clusters', loaded: counted, total: files.nSpikes, unit: 'spikes' })
  }
  const { ids, counts } = counter.result()
  return { unique: ids, counts }
}

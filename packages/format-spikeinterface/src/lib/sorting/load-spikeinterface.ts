import { InvalidArgumentError, InvalidDataError, MissingFileError, throwIfAborted, type ByteSource, type FolderSource, type LoadContext, type SpikeData } from '@spikes/core'
import { checkSegment, toSpikeData } from './build.js'
import type { CheckedSpikeinterfaceOptions } from '../../options.js'
import { applySortingViewCuration, parseSortingViewCuration } from '../curation/sortingview-curation.js'
import type { GroupedSorting } from './grouped.js'
import { parseJson, parseSortingInfo, readFolderJson, readJsonSource, samplingFrequencyOf } from '../json-file.js'
import { readNpzSorting } from './npz-sorting.js'
import { readProperties } from './properties.js'
import { readCurationJson } from '../curation/read-curation.js'
import { applySpikeInterfaceCuration, isSpikeInterfaceCuration, parseSpikeInterfaceCuration } from '../curation/si-curation.js'
import { groupSpikeVector } from './spike-vector.js'
import { readZarrSorting } from './zarr-sorting.js'

/** The on-disk layouts this package reads. */
export type SpikeInterfaceLayout = 'NumpyFolderSorting' | 'NpzFolderSorting' | 'SortingAnalyzer' | 'NpzSortingExtractor'

/** Which layout a folder holds, from its listing: the analyzer's sorting/ subfolder, numpy folder, npz folder. */
export async function folderLayout(folder: FolderSource): Promise<SpikeInterfaceLayout | undefined> {
  if ((await folder.exists('numpysorting_info.json')) || (await folder.exists('spikes.npy'))) return 'NumpyFolderSorting'
  if (await folder.exists('npz.json')) return 'NpzFolderSorting'
  if ((await folder.exists('spikeinterface_info.json')) && (await folder.exists('sorting/numpysorting_info.json'))) return 'SortingAnalyzer'
  if (await folder.exists('sorting_cached.npz')) return 'NpzFolderSorting'
  return undefined
}

/** Loads a NumpyFolderSorting, NpzFolderSorting or SortingAnalyzer (binary_folder) folder. */
export async function loadSpikeInterfaceFolder(folder: FolderSource, opts: CheckedSpikeinterfaceOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  if ((await folder.exists('.zgroup')) || (await folder.exists('zarr.json'))) {
    // A Zarr v2 (.zgroup) or v3 (zarr.json) hierarchy: ZarrSortingExtractor, or a SortingAnalyzer saved with format="zarr" (zarr-sorting.ts).
    const zarr = await readZarrSorting(folder, opts, context)
    const fs = samplingFrequencyOf(zarr.samplingFrequency, opts.samplingFrequency, '.zattrs')
    const metadata = { source_folder: folderName, spikeinterface_layout: zarr.layout, spikeinterface_format: 'zarr', ...(zarr.version ? { spikeinterface_version: zarr.version } : {}) }
    return finish(zarr.grouped, fs, zarr.numSegments, opts, metadata, folder, undefined)
  }
  const layout = await folderLayout(folder)
  if (!layout) {
    throw new MissingFileError('numpysorting_info.json', folderName, 'A SpikeInterface sorting folder (sorting.save(folder=...)) holds numpysorting_info.json and spikes.npy; an older one npz.json and sorting_cached.npz; a SortingAnalyzer folder spikeinterface_info.json and sorting/.', 'spikeinterface')
  }
  const metadata: Record<string, unknown> = { source_folder: folderName, spikeinterface_layout: layout }
  let grouped: GroupedSorting
  let fs: number
  let numSegments: number
  if (layout === 'NpzFolderSorting') {
    const npzFile = await npzFileOf(folder)
    const source = await folder.open(npzFile)
    try {
      const npz = await readNpzSorting(source, npzFile, opts.segmentIndex, (n) => checkSegment(opts, n, folderName, context), context)
      fs = samplingFrequencyOf(npz.samplingFrequency, opts.samplingFrequency, npzFile)
      numSegments = npz.numSegments
      grouped = { unitIds: npz.unitIds, offsets: npz.offsets, samples: npz.samples, properties: await readProperties(folder, '', npz.unitIds.length, context) }
    } finally {
      await source.close()
    }
  } else {
    const prefix = layout === 'SortingAnalyzer' ? 'sorting/' : ''
    if (layout === 'SortingAnalyzer') {
      const info = await readFolderJson(folder, 'spikeinterface_info.json', '')
      const object = (info as { object?: unknown })?.object
      if (object !== 'SortingAnalyzer') context.warn('SPIKES_WARN_ANALYZER_OBJECT', `spikeinterface_info.json names object ${JSON.stringify(object)}, not "SortingAnalyzer"; its sorting/ folder is read anyway.`, { object: String(object) })
      const version = (info as { version?: unknown })?.version
      if (typeof version === 'string') metadata.spikeinterface_version = version
    } else {
      const version = await siFolderVersion(folder)
      if (version) metadata.spikeinterface_version = version
    }
    const infoFile = `${prefix}numpysorting_info.json`
    const info = parseSortingInfo(await readFolderJson(folder, infoFile, 'SpikeInterface writes numpysorting_info.json next to spikes.npy.'), infoFile)
    fs = samplingFrequencyOf(info.samplingFrequency, opts.samplingFrequency, infoFile)
    numSegments = info.numSegments
    checkSegment(opts, numSegments, folderName, context)
    const spikesFile = `${prefix}spikes.npy`
    if (!(await folder.exists(spikesFile))) throw new MissingFileError(spikesFile, folderName, 'A NumpyFolderSorting holds its spike vector in spikes.npy.', 'spikeinterface')
    const source = await folder.open(spikesFile)
    try {
      const groups = await groupSpikeVector(source, spikesFile, info.unitIds.length, numSegments, opts.segmentIndex, context)
      grouped = { unitIds: info.unitIds, offsets: groups.offsets, samples: groups.samples, properties: await readProperties(folder, prefix, info.unitIds.length, context) }
    } finally {
      await source.close()
    }
  }
  throwIfAborted(context.signal, `Loading ${folderName}`)
  return finish(grouped, fs, numSegments, opts, metadata, folder, undefined)
}

/** Loads an NpzSortingExtractor .npz file. */
export async function loadSpikeInterfaceNpz(source: ByteSource, opts: CheckedSpikeinterfaceOptions, context: LoadContext): Promise<SpikeData> {
  const name = source.path ?? source.name
  const npz = await readNpzSorting(source, source.name, opts.segmentIndex, (n) => checkSegment(opts, n, name, context), context)
  const fs = samplingFrequencyOf(npz.samplingFrequency, opts.samplingFrequency, source.name)
  const grouped: GroupedSorting = { unitIds: npz.unitIds, offsets: npz.offsets, samples: npz.samples, properties: new Map() }
  return finish(grouped, fs, npz.numSegments, opts, { source_file: name, spikeinterface_layout: 'NpzSortingExtractor' }, undefined, source.path)
}

async function finish(grouped: GroupedSorting, fs: number, numSegments: number, opts: CheckedSpikeinterfaceOptions, metadata: Record<string, unknown>, folder: FolderSource | undefined, inputPath: string | undefined): Promise<SpikeData> {
  let labels: string[][] | undefined
  let attributes: Record<string, unknown>[] | undefined
  if (opts.curation) {
    const json = await readCurationJson(opts.curation.path, folder, inputPath)
    if (isSpikeInterfaceCuration(json)) {
      // SpikeInterface's own format (format_version present): apply_curation, which has no label filters.
      const { excludeLabels, includeLabels, skipMerge } = opts.curation
      const filter = excludeLabels ? 'excludeLabels' : includeLabels ? 'includeLabels' : skipMerge ? 'skipMerge' : undefined
      if (filter) {
        throw new InvalidArgumentError(`curation.${filter}`, opts.curation[filter], `no ${filter}: ${opts.curation.path} is in SpikeInterface's curation format (it has a format_version), applied as apply_curation does; the filters apply to SortingView curations only (the file's "removed" list removes units)`)
      }
      const applied = applySpikeInterfaceCuration(grouped, parseSpikeInterfaceCuration(json, opts.curation.path), opts.curation.path)
      grouped = applied.sorting
      labels = applied.labels
      attributes = applied.attributes
      metadata.curation = applied.report
    } else {
      const curation = parseSortingViewCuration(json, opts.curation.path)
      const applied = applySortingViewCuration(grouped, curation, opts.curation, opts.curation.path)
      grouped = applied.sorting
      labels = applied.labels
      metadata.curation = applied.report
    }
  }
  return toSpikeData(grouped, fs, opts, { ...metadata, num_segments: numSegments, segment_index: opts.segmentIndex }, labels, attributes)
}

/** The .npz of an NpzFolderSorting: npz.json's kwargs.file_path (relative to the folder), else sorting_cached.npz. */
async function npzFileOf(folder: FolderSource): Promise<string> {
  const fallback = 'sorting_cached.npz'
  if (await folder.exists('npz.json')) {
    const source = await folder.open('npz.json')
    let d: unknown
    try {
      d = await readJsonSource(source, 'npz.json')
    } finally {
      await source.close()
    }
    const cls = (d as { class?: unknown })?.class
    if (typeof cls !== 'string' || !cls.endsWith('.NpzSortingExtractor')) {
      throw new InvalidDataError(`npz.json describes class ${JSON.stringify(cls)}; an NpzFolderSorting folder describes an NpzSortingExtractor.`, { file: 'npz.json', class: String(cls) })
    }
    const kwargs = (d as { kwargs?: Record<string, unknown> }).kwargs ?? {}
    const path = kwargs.file_path ?? kwargs.npz_filename
    if (typeof path === 'string' && !path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path) && (await folder.exists(path))) return path
  }
  if (await folder.exists(fallback)) return fallback
  throw new MissingFileError(fallback, folder.path ?? folder.name, 'An NpzFolderSorting holds its spikes in sorting_cached.npz (named by npz.json).', 'spikeinterface')
}

/** The SpikeInterface version recorded in si_folder.json, when the file is there and readable. */
async function siFolderVersion(folder: FolderSource): Promise<string | undefined> {
  if (!(await folder.exists('si_folder.json'))) return undefined
  const source = await folder.open('si_folder.json')
  try {
    if ((await source.size()) > 4 * 1024 * 1024) return undefined
    const text = new TextDecoder().decode(await source.read(0, await source.size()))
    const version = (parseJsonQuiet(text) as { version?: unknown } | undefined)?.version
    return typeof version === 'string' ? version : undefined
  } finally {
    await source.close()
  }
}

function parseJsonQuiet(text: string): unknown {
  try {
    return parseJson(text, 'si_folder.json')
  } catch {
    return undefined
  }
}

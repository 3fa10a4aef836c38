import { NO_MATCH, readAll, type Match, type Probe } from '@spikes/core'
import { detectSpikeinterfaceFolder, detectSpikeinterfaceRecording } from './detect.js'

/** Which SpikeInterface object a Zarr v2 folder holds, judged from its root `.zattrs` and children. */
export type SpikeinterfaceZarrKind = 'sorting' | 'analyzer' | 'recording'

const MAX_ATTRS_BYTES = 4 * 1024 * 1024

async function rootAttrs(probe: Probe & { kind: 'folder' }): Promise<Record<string, unknown> | undefined> {
  if (!probe.files.includes('.zattrs')) return undefined
  try {
    const source = await probe.source.open('.zattrs')
    try {
      const doc = JSON.parse(new TextDecoder().decode(await readAll(source, MAX_ATTRS_BYTES)).replace(/\bNaN\b|-?\bInfinity\b/g, 'null')) as unknown
      return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined
    } finally {
      await source.close()
    }
  } catch {
    return undefined
  }
}

/**
 * SpikeInterface Zarr detection: a folder with `.zgroup` whose root `.zattrs` (read, at most 4 MiB) and children
 * say what it is — `spikeinterface_info.object` "SortingAnalyzer" with a `sorting` group (95, analyzer);
 * `sampling_frequency` and `num_segments` with `unit_ids` and `spikes` (95, sorting) or with `channel_ids` and
 * `traces_seg0` (95, recording). The children alone, attributes unreadable: 60. Other Zarr folders: no match.
 */
export async function detectSpikeinterfaceZarr(probe: Probe): Promise<{ kind: SpikeinterfaceZarrKind; match: Match } | undefined> {
  if (probe.kind !== 'folder' || !probe.files.includes('.zgroup')) return undefined
  const folders = new Set(probe.folders)
  const attrs = await rootAttrs(probe)
  const info = attrs?.spikeinterface_info as { object?: unknown } | undefined
  if (folders.has('sorting') && info && typeof info === 'object') {
    const strong = info.object === 'SortingAnalyzer'
    return { kind: 'analyzer', match: { confidence: strong ? 95 : 60, reason: `.zgroup with spikeinterface_info (object ${JSON.stringify(info.object)}) and a sorting group (SpikeInterface SortingAnalyzer, zarr)` } }
  }
  const described = typeof attrs?.sampling_frequency === 'number' && typeof attrs?.num_segments === 'number'
  if (folders.has('unit_ids') && folders.has('spikes')) {
    return { kind: 'sorting', match: { confidence: described ? 95 : 60, reason: `.zgroup with unit_ids and spikes${described ? ', sampling_frequency and num_segments attributes' : ''} (SpikeInterface ZarrSortingExtractor)` } }
  }
  if (folders.has('channel_ids') && folders.has('traces_seg0')) {
    return { kind: 'recording', match: { confidence: described ? 95 : 60, reason: `.zgroup with channel_ids and traces_seg0${described ? ', sampling_frequency and num_segments attributes' : ''} (SpikeInterface ZarrRecordingExtractor)` } }
  }
  return undefined
}

/** The `spikeinterface` loader's detection: sorting folders (detect.ts) and Zarr sortings and SortingAnalyzers. */
export async function detectSpikeinterfaceSortingAny(probe: Probe): Promise<Match> {
  const plain = detectSpikeinterfaceFolder(probe)
  if (plain.confidence > 0) return plain
  const zarr = await detectSpikeinterfaceZarr(probe)
  return zarr && zarr.kind !== 'recording' ? zarr.match : NO_MATCH
}

/** The `spikeinterface-recording` loader's detection: BinaryFolderRecording (detect.ts) and Zarr recordings. */
export async function detectSpikeinterfaceRecordingAny(probe: Probe): Promise<Match> {
  const plain = detectSpikeinterfaceRecording(probe)
  if (plain.confidence > 0) return plain
  const zarr = await detectSpikeinterfaceZarr(probe)
  return zarr?.kind === 'recording' ? zarr.match : NO_MATCH
}

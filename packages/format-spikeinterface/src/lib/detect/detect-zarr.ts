import { NO_MATCH, readAll, type Match, type Probe } from '@spikes/core'
import { detectSpikeinterfaceFolder, detectSpikeinterfaceRecording } from './detect.js'

/** Which SpikeInterface object a Zarr (v2 or v3) folder holds, judged from its root attributes and children. */
export type SpikeinterfaceZarrKind = 'sorting' | 'analyzer' | 'recording'

const MAX_ATTRS_BYTES = 4 * 1024 * 1024
/** A v3 root zarr.json also carries the consolidated metadata of every node, so it may be larger than `.zattrs`. */
const MAX_ROOT_JSON_BYTES = 16 * 1024 * 1024

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}

async function readJson(probe: Probe & { kind: 'folder' }, file: string, limit: number): Promise<unknown> {
  try {
    const source = await probe.source.open(file)
    try {
      return JSON.parse(new TextDecoder().decode(await readAll(source, limit)).replace(/\bNaN\b|-?\bInfinity\b/g, 'null')) as unknown
    } finally {
      await source.close()
    }
  } catch {
    return undefined
  }
}

/** The root attributes: `.zattrs` (Zarr v2), or the `attributes` of a v3 group's `zarr.json`. */
async function rootAttrs(probe: Probe & { kind: 'folder' }, v3: boolean): Promise<Record<string, unknown> | undefined> {
  if (v3) {
    const doc = await readJson(probe, 'zarr.json', MAX_ROOT_JSON_BYTES)
    return isObject(doc) && isObject(doc.attributes) ? doc.attributes : undefined
  }
  if (!probe.files.includes('.zattrs')) return undefined
  const doc = await readJson(probe, '.zattrs', MAX_ATTRS_BYTES)
  return isObject(doc) ? doc : undefined
}

/**
 * SpikeInterface Zarr detection: a folder with `.zgroup` (Zarr v2) or `zarr.json` (Zarr v3, zarr-python 3) whose
 * root attributes (`.zattrs` read up to 4 MiB, or the `attributes` of `zarr.json` read up to 16 MiB) and children
 * say what it is — `spikeinterface_info.object` "SortingAnalyzer" with a `sorting` group (95, analyzer);
 * `sampling_frequency` and `num_segments` with `unit_ids` and `spikes` (95, sorting) or with `channel_ids` and
 * `traces_seg0` (95, recording). The children alone, attributes unreadable: 60. Other Zarr folders: no match.
 */
export async function detectSpikeinterfaceZarr(probe: Probe): Promise<{ kind: SpikeinterfaceZarrKind; match: Match } | undefined> {
  if (probe.kind !== 'folder') return undefined
  const v3 = !probe.files.includes('.zgroup') && probe.files.includes('zarr.json')
  if (!v3 && !probe.files.includes('.zgroup')) return undefined
  const marker = v3 ? 'zarr.json' : '.zgroup'
  const folders = new Set(probe.folders)
  const attrs = await rootAttrs(probe, v3)
  const info = attrs?.spikeinterface_info as { object?: unknown } | undefined
  if (folders.has('sorting') && info && typeof info === 'object') {
    const strong = info.object === 'SortingAnalyzer'
    return { kind: 'analyzer', match: { confidence: strong ? 95 : 60, reason: `${marker} with spikeinterface_info (object ${JSON.stringify(info.object)}) and a sorting group (SpikeInterface SortingAnalyzer, zarr)` } }
  }
  const described = typeof attrs?.sampling_frequency === 'number' && typeof attrs?.num_segments === 'number'
  if (folders.has('unit_ids') && folders.has('spikes')) {
    return { kind: 'sorting', match: { confidence: described ? 95 : 60, reason: `${marker} with unit_ids and spikes${described ? ', sampling_frequency and num_segments attributes' : ''} (SpikeInterface ZarrSortingExtractor)` } }
  }
  if (folders.has('channel_ids') && folders.has('traces_seg0')) {
    return { kind: 'recording', match: { confidence: described ? 95 : 60, reason: `${marker} with channel_ids and traces_seg0${described ? ', sampling_frequency and num_segments attributes' : ''} (SpikeInterface ZarrRecordingExtractor)` } }
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

import { InvalidArgumentError, InvalidDataError, MissingFileError, readText, throwIfAborted, UnsupportedError, type FolderSource, type LoadContext } from '@spikes/core'
import { isNumericDtype, readNpy, vectorLength } from '@spikes/numpy'
import type { SpikeGroup } from './assemble.js'
import { parseOebin, parseSyncMessages, type OebinSpikes } from './oebin.js'

const MAX_JSON_BYTES = 16 * 1024 * 1024

/** File names of one spikes/ folder: GUI 0.6+ first, then the 0.5 names. */
const LAYOUTS = [
  { samples: 'sample_numbers.npy', clusters: 'clusters.npy', electrodes: 'electrode_indices.npy', era: '0.6' },
  { samples: 'spike_times.npy', clusters: 'spike_clusters.npy', electrodes: 'spike_electrode_indices.npy', era: '0.5' },
] as const

/** The spike groups of a Binary-format recording folder and its file-level facts. */
export async function readBinaryRecording(folder: FolderSource, folderName: string, fsHz: number | undefined, context: LoadContext): Promise<{ groups: SpikeGroup[]; metadata: Record<string, unknown> }> {
  const oebin = parseOebin(await readSmallText(folder, 'structure.oebin'), 'structure.oebin')
  const metadata: Record<string, unknown> = { source_format: 'Open Ephys Binary', gui_version: oebin.guiVersion ?? null, continuous_streams: oebin.streams }
  if (await folder.exists('sync_messages.txt')) Object.assign(metadata, parseSyncMessages(await readSmallText(folder, 'sync_messages.txt')))
  const entries = oebin.spikes.length > 0 ? oebin.spikes : await listedEntries(folder, context)
  const groups: SpikeGroup[] = []
  for (const entry of entries) {
    throwIfAborted(context.signal, `Loading ${folderName}`)
    const rateHz = rateOf(entry, fsHz, context)
    groups.push(await readGroup(folder, entry, rateHz))
  }
  metadata.spike_folders = entries.map((e) => e.folder)
  return { groups, metadata }
}

function rateOf(entry: OebinSpikes, fsHz: number | undefined, context: LoadContext): number {
  if (fsHz !== undefined) {
    if (entry.sampleRate !== undefined && entry.sampleRate !== fsHz) {
      context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${fsHz} differs from structure.oebin's sample_rate = ${entry.sampleRate} for ${entry.name}; using fsHz.`, { fsHz, sampleRate: entry.sampleRate, electrode: entry.name })
    }
    return fsHz
  }
  if (entry.sampleRate !== undefined) return entry.sampleRate
  throw new InvalidArgumentError('fsHz', fsHz, `a positive sampling rate in Hz: structure.oebin gives none for ${entry.name}`)
}

/** Without oebin spike entries: every spikes/<processor>/<electrode>/ folder that holds spike files. */
async function listedEntries(folder: FolderSource, context: LoadContext): Promise<OebinSpikes[]> {
  const out: OebinSpikes[] = []
  for (const processor of (await folder.list('spikes')).filter((e) => e.kind === 'folder')) {
    for (const group of (await folder.list(`spikes/${processor.name}`)).filter((e) => e.kind === 'folder')) {
      const path = `${processor.name}/${group.name}`
      if (await folder.exists(`spikes/${path}/sample_numbers.npy`) || await folder.exists(`spikes/${path}/spike_times.npy`)) out.push({ name: group.name, folder: path, attributes: { spike_folder: path } })
    }
  }
  if (out.length > 0) context.warn('SPIKES_WARN_OEBIN_NO_SPIKES', `structure.oebin lists no spike entries; the ${out.length} folder(s) found under spikes/ were read.`, { folders: out.map((e) => e.folder) })
  return out
}

async function readGroup(folder: FolderSource, entry: OebinSpikes, rateHz: number): Promise<SpikeGroup> {
  const base = `spikes/${entry.folder}`
  let layout: (typeof LAYOUTS)[number] | undefined
  for (const candidate of LAYOUTS) if (!layout && (await folder.exists(`${base}/${candidate.samples}`))) layout = candidate
  if (!layout) throw new MissingFileError(`${base}/sample_numbers.npy`, folder.path ?? folder.name, `structure.oebin lists ${entry.name}, but its folder holds neither sample_numbers.npy (GUI 0.6+) nor spike_times.npy (GUI 0.5).`, 'openephys')
  const samples = await readVector(folder, `${base}/${layout.samples}`)
  const clusters = (await folder.exists(`${base}/${layout.clusters}`)) ? await readVector(folder, `${base}/${layout.clusters}`) : new Float64Array(samples.length)
  const electrodes = (await folder.exists(`${base}/${layout.electrodes}`)) ? await readVector(folder, `${base}/${layout.electrodes}`) : new Float64Array(samples.length)
  return { name: entry.name, rateHz, samples, clusters, electrodes, attributes: { ...entry.attributes, gui_layout: layout.era }, file: `${base}/${layout.samples}` }
}

async function readVector(folder: FolderSource, file: string): Promise<ArrayLike<number>> {
  const source = await folder.open(file)
  try {
    const array = await readNpy(source, { objectReader: false })
    if (!isNumericDtype(array.dtype) || array.dtype.kind === 'c' || array.dtype.kind === 'b') {
      throw new UnsupportedError('openephys-dtype', `${file} holds dtype ${array.dtype.descr}; Open Ephys writes integer arrays.`, { file, dtype: array.dtype.descr })
    }
    if (vectorLength(array.shape) === undefined) throw new InvalidDataError(`${file} has shape (${array.shape.join(', ')}); one value per spike was expected.`, { file, shape: array.shape })
    return array.data as ArrayLike<number>
  } finally {
    await source.close()
  }
}

async function readSmallText(folder: FolderSource, file: string): Promise<string> {
  const source = await folder.open(file)
  try {
    return await readText(source, MAX_JSON_BYTES)
  } finally {
    await source.close()
  }
}

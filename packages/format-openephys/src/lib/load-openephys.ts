import { InvalidArgumentError, MissingFileError, type FolderEntry, type FolderSource, type LoadContext, type SpikeData } from '@spikes/core'
import type { ResolvedOpenephysOptions } from '../options.js'
import { assemble } from './assemble.js'
import { readBinaryRecording } from './binary.js'
import { readLegacyFolder } from './legacy.js'
import { binaryRecordings, chooseRecording, subfolder } from './record-node.js'

export async function loadOpenephys(folder: FolderSource, opts: ResolvedOpenephysOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const listing = await folder.list('')
  const hasLegacy = listing.some((e) => e.kind === 'file' && e.name.toLowerCase().endsWith('.spikes'))
  let read
  if (await folder.exists('structure.oebin')) {
    if (opts.recording !== undefined) throw new InvalidArgumentError('recording', opts.recording, 'no value for a recording folder (recording picks experimentN/recordingM inside a Record Node folder)')
    read = await readBinary(folder, folderName, listing, opts, context)
  } else if (hasLegacy) {
    read = await readLegacyFolder(folder, opts.fsHz, opts.recordingNumber, context)
  } else {
    const recordings = await binaryRecordings(folder)
    if (recordings.length === 0) {
      throw new MissingFileError('structure.oebin', folderName, 'Give the Binary recording folder (…/experiment1/recording1, with structure.oebin and spikes/), its Record Node folder, or, for the legacy format, the Record Node folder holding the .spikes files.', 'openephys')
    }
    const chosen = chooseRecording(recordings, opts.recording, folderName)
    const inner = subfolder(folder, chosen)
    read = await readBinary(inner, `${folderName}/${chosen}`, await inner.list(''), opts, context)
    read.metadata.recording = chosen
  }
  const rates = [...new Set(read.groups.map((g) => g.rateHz))]
  const metadata = { source_folder: folderName, ...read.metadata, fs_Hz: rates.length === 1 ? rates[0] : rates.length === 0 ? (opts.fsHz ?? null) : rates }
  return assemble(read.groups, opts.lengthMs, metadata)
}

async function readBinary(folder: FolderSource, folderName: string, listing: FolderEntry[], opts: ResolvedOpenephysOptions, context: LoadContext) {
  if (!listing.some((e) => e.kind === 'folder' && e.name === 'spikes')) {
    throw new MissingFileError('spikes/', folderName, 'This Open Ephys Binary recording has no spikes/ folder: the GUI recorded no Spike Detector or Spike Sorter output. Sort the continuous data first (e.g. with KiloSort).', 'openephys')
  }
  if (opts.recordingNumber !== undefined) throw new InvalidArgumentError('recordingNumber', opts.recordingNumber, 'no value for a Binary recording folder (it holds one recording; recordingNumber selects within legacy .spikes files)')
  return readBinaryRecording(folder, folderName, opts.fsHz, context)
}

import { InvalidArgumentError, InvalidDataError, MissingFileError, SpikeData, type FolderSource, type LoadContext } from '@spikes/core'
import { vouchSortedTrains } from '@spikes/core/loader-utils'
import type { ResolvedMountainsortOptions } from '../options.js'
import { readMdaHeader, type MdaHeader } from './mda-header.js'
import { readFirings, type Firings } from './read-firings.js'
import type { LabelTable } from './label-table.js'
import { paramsRate, readSidecars, type Sidecars } from './sidecars.js'

export async function loadMountainsort(folder: FolderSource, opts: ResolvedMountainsortOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const firingsFile = await firingsFileOf(folder, opts.firingsFile, folderName)
  const sidecars = await readSidecars(folder, opts.geomFile, context)
  const { fsHz, rateSource } = samplingRate(opts.fsHz, sidecars, context)

  const source = await folder.open(firingsFile)
  let header: MdaHeader
  let firings: Firings
  try {
    header = await readMdaHeader(source, firingsFile)
    checkFiringsShape(header, firingsFile)
    const size = await source.size()
    if (size > header.dataEnd) {
      context.warn('SPIKES_WARN_TRAILING_BYTES', `${firingsFile} has ${size - header.dataEnd} bytes after its ${header.dims.join(' x ')} array; they are ignored.`, { file: firingsFile, extra: size - header.dataEnd })
    }
    firings = await readFirings(source, header, firingsFile, fsHz, context, opts.helperThread ? {} : { threadFromEvents: Infinity })
  } finally {
    await source.close()
  }

  const { table, order, offsets, times } = firings
  // The scan compared every time with the previous one of its unit, so SpikeData need not check again.
  if (table.sorted) vouchSortedTrains(times)

  const mixed = order.filter((slot) => table.mixed[slot] === 1).map((slot) => table.labels[slot])
  if (mixed.length > 0) {
    context.warn('SPIKES_WARN_MIXED_CHANNELS', `${mixed.length} unit(s) of ${firingsFile} have events on more than one channel (labels ${mixed.slice(0, 10).join(', ')}); electrode is the channel of most of their events.`, {
      file: firingsFile,
      labels: mixed.slice(0, 100),
      count: mixed.length,
    })
  }
  const neuronAttributes = order.map((slot) => unitAttributes(table, slot, sidecars))
  const metadata: Record<string, unknown> = {
    source_folder: folderName,
    source_file: firingsFile,
    source_format: 'MountainSort',
    fs_Hz: fsHz,
    fs_Hz_source: rateSource,
    firings_dtype: header.dtype,
    firings_rows: header.dims[0],
    unit_labels: order.map((slot) => table.labels[slot]),
  }
  if (sidecars.params) metadata.params = sidecars.params
  if (sidecars.mv) {
    metadata.mountainview_file = sidecars.mv.file
    metadata.merged_pairs = sidecars.mv.mergedPairs
    if (sidecars.mv.eventFilter !== undefined) metadata.event_filter = sidecars.mv.eventFilter
  }
  return new SpikeData({ times, offsets, lengthMs: opts.lengthMs, neuronAttributes, metadata })
}

async function firingsFileOf(folder: FolderSource, given: string | undefined, folderName: string): Promise<string> {
  if (given !== undefined) {
    if (await folder.exists(given)) return given
    throw new MissingFileError(given, folderName, 'firingsFile names a file that is not in the folder; check the name, or omit it to use firings.mda.', 'mountainsort')
  }
  for (const name of ['firings.mda', 'firings_true.mda']) if (await folder.exists(name)) return name
  throw new MissingFileError('firings.mda', folderName, 'A MountainSort output folder holds firings.mda (ground-truth sets: firings_true.mda); pass firingsFile if yours is named differently.', 'mountainsort')
}

function samplingRate(option: number | undefined, sidecars: Sidecars, context: LoadContext): { fsHz: number; rateSource: string } {
  const fromParams = paramsRate(sidecars.params)
  const fromMv = sidecars.mv?.samplerate
  const fileRate = fromParams ?? fromMv
  const fileSource = fromParams !== undefined ? 'params.json' : sidecars.mv?.file
  if (option !== undefined) {
    if (fileRate !== undefined && fileRate !== option) {
      context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${option} differs from ${fileSource}'s samplerate = ${fileRate}; using fsHz.`, { fsHz: option, sampleRate: fileRate, file: fileSource })
    }
    return { fsHz: option, rateSource: 'option' }
  }
  if (fileRate !== undefined && fileSource !== undefined) return { fsHz: fileRate, rateSource: fileSource }
  throw new InvalidArgumentError('fsHz', option, 'a positive sampling rate in Hz: firings.mda stores times in samples and the folder has no params.json or .mv file with a samplerate')
}

function checkFiringsShape(header: MdaHeader, file: string): void {
  const { dims } = header
  if (dims.length < 2 || dims[0] < 3 || dims.slice(2).some((d) => d !== 1)) {
    throw new InvalidDataError(`${file} holds a ${dims.join(' x ')} array; a firings file is 2-D with at least 3 rows (channel, time, label) and one column per event.`, { file, dims: [...dims] })
  }
}

function unitAttributes(table: LabelTable, slot: number, sidecars: Sidecars): Record<string, unknown> {
  const label = table.labels[slot]
  const electrode = table.channelOf(slot)
  const attr: Record<string, unknown> = { unit_id: label, electrode }
  const position = sidecars.geom?.[electrode - 1]
  if (position) attr.location = position
  for (let k = 0; k < table.extraRows; k++) attr[`mean_row_${k + 4}`] = table.metricSums[slot * table.extraRows + k] / table.counts[slot]
  const tags = sidecars.mv?.tags.get(label)
  if (tags) {
    attr.tags = tags
    const quality = tags.includes('rejected') ? 'rejected' : tags.includes('accepted') ? 'accepted' : undefined
    if (quality) attr.quality = quality
  }
  return attr
}

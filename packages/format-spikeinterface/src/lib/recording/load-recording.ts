import { CorruptFileError, InvalidArgumentError, LimitExceededError, MissingFileError, throwIfAborted, type FolderSource, type LoadContext, type SpikeData } from '@spikes/core'
import { loadSpikeDataFromSpikeInterfaceRecording, type RecordingExtractorLike } from '../../adapters/index.js'
import { parseBinaryJson, type BinaryDescription } from './binary-json.js'
import { readFolderJson } from '../json-file.js'
import { readTraces } from './read-traces.js'
import type { CheckedSpikeinterfaceRecordingOptions } from '../../recording-options.js'

/**
 * Loads a BinaryFolderRecording and detects spikes by thresholding (SpikeLab's
 * load_spikedata_from_spikeinterface_recording): binary.json is validated, the segment's file size checked
 * against num_channels x itemsize (+ file_offset) and the memory bound, then the traces are read in chunks
 * into one (channels x samples) array handed to core's recording adapter.
 */
export async function loadSpikeInterfaceRecordingFolder(folder: FolderSource, opts: CheckedSpikeinterfaceRecordingOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const desc = parseBinaryJson(
    await readFolderJson(folder, 'binary.json', 'A SpikeInterface recording folder (recording.save(folder=...)) holds binary.json next to traces_cached_seg<i>.raw.'),
    'binary.json',
  )
  const numSegments = desc.filePaths.length
  const segmentIndex = opts.segmentIndex ?? 0
  if (segmentIndex >= numSegments) {
    throw new InvalidArgumentError('segmentIndex', segmentIndex, `a segment index below ${numSegments} (${folderName} has ${numSegments} segment${numSegments === 1 ? '' : 's'})`)
  }
  const file = desc.filePaths[segmentIndex]
  if (!(await folder.exists(file))) {
    throw new MissingFileError(file, folderName, `binary.json names ${file} for segment ${segmentIndex}; SpikeInterface writes traces_cached_seg<i>.raw beside it.`, 'spikeinterface-recording')
  }
  const source = await folder.open(file)
  try {
    const samples = checkSize(await source.size(), desc, file)
    checkMemory(desc, samples, opts, file)
    throwIfAborted(context.signal, `Loading ${folderName}`)
    let read = false
    const recording = {
      getSamplingFrequency: () => desc.samplingFrequency,
      getNumChannels: () => desc.numChannels,
      getNumSegments: () => numSegments,
      // Called by core only after it has validated the thresholding options against the rate.
      getTraces: async () => {
        if (read) throw new Error('getTraces is read once')
        read = true
        const data = await readTraces(source, { file, dtype: desc.dtype, channels: desc.numChannels, samples, timeAxis: desc.timeAxis, fileOffset: desc.fileOffset }, context)
        return { data, shape: [desc.numChannels, samples] }
      },
    }
    return await thresholdRecording(recording, opts, context, {
      source_folder: folderName,
      spikeinterface_layout: 'BinaryFolderRecording',
      ...(desc.version ? { spikeinterface_version: desc.version } : {}),
      fs_Hz: desc.samplingFrequency,
      channel_ids: desc.channelIds,
      num_channels: desc.numChannels,
      num_samples: samples,
      dtype: desc.dtype.str,
      num_segments: numSegments,
      segment_index: segmentIndex,
      ...(desc.tStarts && desc.tStarts[segmentIndex] !== null ? { t_start_s: desc.tStarts[segmentIndex] } : {}),
    })
  } finally {
    await source.close()
  }
}

/**
 * Hands a RecordingExtractor-shaped object to core's loadSpikeDataFromSpikeInterfaceRecording with the checked
 * options (warnings go to the loader context) and sets the SpikeInterface metadata; shared by the binary and
 * Zarr recording layouts.
 */
export async function thresholdRecording(recording: RecordingExtractorLike, opts: CheckedSpikeinterfaceRecordingOptions, context: LoadContext, metadata: Record<string, unknown>): Promise<SpikeData> {
  const sd = await loadSpikeDataFromSpikeInterfaceRecording(recording, {
    ...(opts.segmentIndex !== undefined ? { segmentIndex: opts.segmentIndex } : {}),
    ...(opts.thresholdSigma !== undefined ? { thresholdSigma: opts.thresholdSigma } : {}),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    ...(opts.hysteresis !== undefined ? { hysteresis: opts.hysteresis } : {}),
    ...(opts.direction !== undefined ? { direction: opts.direction } : {}),
    onWarning: (w) => context.warn(w.code, w.message, w.details as Record<string, unknown> | undefined),
  })
  // The warnings already went to the loader context, which puts them on the result.
  return sd.with({ metadata: { ...sd.metadata, source_format: 'SpikeInterface', ...metadata }, warnings: [] })
}

/** Samples in the file; its size must be file_offset plus a whole number of samples of every channel. */
function checkSize(size: number, desc: BinaryDescription, file: string): number {
  const bytesPerSample = desc.numChannels * desc.dtype.itemsize
  const data = size - desc.fileOffset
  if (data < 0) {
    throw new CorruptFileError(`${file} is ${size} bytes, shorter than the file_offset of ${desc.fileOffset} bytes in binary.json: the file is truncated or binary.json belongs to another file. Re-save the recording with SpikeInterface.`, { file, size, fileOffset: desc.fileOffset })
  }
  if (data % bytesPerSample !== 0) {
    const samples = Math.floor(data / bytesPerSample)
    throw new CorruptFileError(
      `${file} holds ${data} bytes of traces after a file_offset of ${desc.fileOffset}, not a whole number of samples of ${desc.numChannels} channels x ${desc.dtype.itemsize} bytes (${desc.dtype.str}) = ${bytesPerSample} bytes: ${samples} samples and ${data % bytesPerSample} bytes left over. The file is truncated, or num_channels / dtype in binary.json do not describe it; re-save the recording with SpikeInterface.`,
      { file, size, fileOffset: desc.fileOffset, numChannels: desc.numChannels, itemsize: desc.dtype.itemsize, bytesPerSample, remainder: data % bytesPerSample },
    )
  }
  return data / bytesPerSample
}

/** The traces (plus the float64 copy a filter makes) must fit in maxBytes; nothing is allocated before this. */
export function checkMemory(desc: { numChannels: number; dtype: { itemsize: number; str: string } }, samples: number, opts: CheckedSpikeinterfaceRecordingOptions, file: string): void {
  const values = desc.numChannels * samples
  const filtering = opts.filter !== undefined && opts.filter !== null && opts.filter !== false && !(typeof opts.filter === 'object' && Object.keys(opts.filter).length === 0)
  const needed = values * desc.dtype.itemsize + (filtering ? values * 8 : 0)
  if (needed > opts.maxBytes) {
    throw new LimitExceededError(
      `${file} needs ${needed} bytes (${desc.numChannels} channels x ${samples} samples of ${desc.dtype.str}${filtering ? ', plus a float64 copy for filtering' : ''}), more than maxBytes = ${opts.maxBytes}; raise maxBytes if this machine has the memory, or save a shorter segment (recording.frame_slice(...).save(...)).`,
      { limit: opts.maxBytes, actual: needed, what: 'traces', option: 'maxBytes', file },
    )
  }
}

// SpikeLab's load_spikedata_from_spikeinterface_recording: traces of a RecordingExtractor-like object
// -> fromThresholding.
import { InvalidArgumentError, WarningCollector, type SpikeData, type WarningHandler } from '@spikes/core'
import { fromThresholding, resolveThresholdingOptions, type ThresholdingOptions } from '@spikes/dsp'
import { checkSamplingFrequency } from './sorting.js'
import { checkSegmentIndex, checkSegments, method } from './extractor.js'
import type { RecordingExtractorLike } from './types.js'
import { toMatrix, transpose } from './values.js'

/** Options of loadSpikeDataFromSpikeInterfaceRecording: thresholding settings (fsHz comes from the recording). */
export interface SpikeInterfaceRecordingOptions extends Pick<ThresholdingOptions, 'thresholdSigma' | 'hysteresis' | 'direction'> {
  /** Segment of a multi-segment recording (default 0). */
  segmentIndex?: number
  /** Default false here (SpikeLab's recording adapter does not filter unless asked). */
  filter?: ThresholdingOptions['filter']
  /** Receives warnings as they are raised; they are also on the result's `warnings`. */
  onWarning?: WarningHandler
}

/** Warning code (`SPIKES_WARN_AMBIGUOUS_ORIENTATION`): the traces are square, so (channels, samples) was assumed. */
export const WARN_SQUARE_TRACES = 'SPIKES_WARN_AMBIGUOUS_ORIENTATION'


/**
 * Threshold detection on a SpikeInterface-like recording (SpikeLab's
 * load_spikedata_from_spikeinterface_recording). The traces are oriented as (channels, samples): the
 * smaller dimension is taken as channels, unless getNumChannels() names the channel axis; a square
 * matrix is taken as (channels, samples) with a SPIKES_WARN_AMBIGUOUS_ORIENTATION warning.
 */
export async function loadSpikeDataFromSpikeInterfaceRecording(recording: RecordingExtractorLike, options: SpikeInterfaceRecordingOptions = {}): Promise<SpikeData> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object')
  const getTraces = recording && typeof recording === 'object' ? method(recording, 'getTraces') : null
  if (!getTraces) throw new InvalidArgumentError('recording', recording, 'a SpikeInterface RecordingExtractor-like object with getTraces({ segmentIndex }) and getSamplingFrequency()')
  const segmentIndex = checkSegmentIndex(options.segmentIndex)

  const getFs = method(recording, 'getSamplingFrequency')
  const fsValue = getFs ? await getFs() : recording.samplingFrequency
  if (fsValue === undefined) throw new InvalidArgumentError('recording', recording, 'a recording with getSamplingFrequency() or a samplingFrequency property')
  const fsHz = checkSamplingFrequency(fsValue, 'The recording')
  const thresholding: ThresholdingOptions = {
    fsHz,
    thresholdSigma: options.thresholdSigma,
    filter: options.filter === undefined ? false : options.filter,
    hysteresis: options.hysteresis,
    direction: options.direction,
  }
  resolveThresholdingOptions(thresholding) // every option checked before the traces are fetched

  const warnings = new WarningCollector(options.onWarning)
  await checkSegments(recording, segmentIndex, options.segmentIndex !== undefined, warnings, 'recording')
  const returned = await getTraces({ segmentIndex })
  let traces = toMatrix(returned)
  const given = (returned as { data?: unknown } | null)?.data
  const [a, b] = traces.shape
  const getChannels = method(recording, 'getNumChannels')
  const channels = getChannels ? Number(await getChannels()) : NaN
  if (a === b) {
    warnings.warn(WARN_SQUARE_TRACES, `Ambiguous trace orientation: shape is [${a}, ${b}] (square). Assuming (channels, samples).`, { shape: [a, b] })
  } else if (channels === b && channels !== a) traces = transpose(traces)
  else if (!(channels === a && channels !== b) && a > b) traces = transpose(traces)

  // Filter in place only into a copy made here, never into the caller's array.
  const owned = traces.data !== given
  const sd = fromThresholding(traces, { ...thresholding, overwrite: owned, onWarning: (w) => warnings.warn(w.code, w.message, w.details) })
  return sd.with({ warnings: warnings.warnings })
}

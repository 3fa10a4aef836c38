export { spikeinterfaceFormat, spikeinterfaceNpzFormat, spikeinterfaceRecordingFormat } from './spikeinterface-format.js'
export { spikeinterfaceLoader } from './spikeinterface-loader.js'
export { spikeinterfaceNpzLoader } from './npz-loader.js'
export { spikeinterfaceRecordingLoader } from './recording-loader.js'
export { detectSpikeinterfaceFolder, detectSpikeinterfaceNpz, detectSpikeinterfaceRecording } from './lib/detect.js'
export { detectSpikeinterfaceZarr, detectSpikeinterfaceSortingAny, detectSpikeinterfaceRecordingAny, type SpikeinterfaceZarrKind } from './lib/detect-zarr.js'
export { checkSpikeinterfaceOptions, type SpikeinterfaceOptions, type CheckedSpikeinterfaceOptions, type CurationOption, type UnitId } from './lib/check-options.js'
export {
  checkSpikeinterfaceRecordingOptions,
  DEFAULT_MAX_TRACE_BYTES,
  type SpikeinterfaceRecordingOptions,
  type CheckedSpikeinterfaceRecordingOptions,
  type RecordingFilterOption,
  type RecordingThresholdDirection,
} from './lib/recording-options.js'
export { UnknownUnitIdsError } from './lib/errors.js'
export { registerSpikeinterface } from './register-spikeinterface.js'
export {
  loadSpikeDataFromSpikeInterface,
  loadSpikeDataFromSpikeInterfaceRecording,
  WARN_SEGMENTS,
  WARN_SQUARE_TRACES,
  CHANNEL_PROPERTIES,
  LOCATION_PROPERTIES,
  toInt,
  type SpikeInterfaceSortingOptions,
  type SpikeInterfaceRecordingOptions,
  type SortingExtractorLike,
  type RecordingExtractorLike,
  type NumericLike,
  type TracesLike,
  type MaybePromise,
} from './adapters/index.js'

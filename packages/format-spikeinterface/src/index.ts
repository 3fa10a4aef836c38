export { spikeinterfaceLoader, SPIKEINTERFACE_LOADER_VERSION } from './spikeinterface-loader.js'
export { spikeinterfaceNpzLoader } from './spikeinterface-npz-loader.js'
export { spikeinterfaceRecordingLoader } from './spikeinterface-recording-loader.js'
export { detectSpikeinterfaceFolder, detectSpikeinterfaceNpz, detectSpikeinterfaceRecording } from './lib/detect/detect.js'
export { detectSpikeinterfaceZarr, detectSpikeinterfaceSortingAny, detectSpikeinterfaceRecordingAny, type SpikeinterfaceZarrKind } from './lib/detect/detect-zarr.js'
export { spikeinterfaceOptions, resolveSpikeinterfaceOptions, curationSchema, type SpikeinterfaceOptions, type CheckedSpikeinterfaceOptions, type CurationOption, type UnitId } from './options.js'
export {
  spikeinterfaceRecordingOptions,
  DEFAULT_MAX_TRACE_BYTES,
  type SpikeinterfaceRecordingOptions,
  type CheckedSpikeinterfaceRecordingOptions,
  type RecordingFilterOption,
  type RecordingThresholdDirection,
} from './recording-options.js'
export { UnknownUnitIdsError } from './lib/sorting/errors.js'
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
  type ExtractorUnitId,
} from './adapters/index.js'

export { loadSpikeDataFromSpikeInterface, type SpikeInterfaceSortingOptions } from './sorting.js'
export { WARN_SEGMENTS } from './extractor.js'
export { loadSpikeDataFromSpikeInterfaceRecording, WARN_SQUARE_TRACES, type SpikeInterfaceRecordingOptions } from './recording.js'
export type { SortingExtractorLike, RecordingExtractorLike, UnitId, NumericLike, TracesLike, MaybePromise } from './types.js'

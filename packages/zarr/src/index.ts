export { openZarr, ZarrGroup, MAX_METADATA_BYTES, type OpenZarrOptions, type ZarrChild } from './group.js'
export { ZarrArray, parseArrayMetadata, DEFAULT_MAX_BYTES, type ZarrArrayMetadata, type ZarrValues, type ReadZarrOptions, type ZarrRead } from './array.js'
export { parseDtype, isNumericDtype, type ZarrDtype, type ZarrField } from './dtype.js'
export { decompress, undoDelta, checkCodec, checkFilter, SUPPORTED_COMPRESSORS, SUPPORTED_FILTERS, type CodecConfig, type ChunkContext } from './codecs.js'

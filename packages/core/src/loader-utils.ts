// Helpers for format plugins (not needed by applications): the loader template (defineLoader) and its
// option kinds, ragged-index splitting, time-unit
// conversion with SpikeLab's operation order, natural sort, numpy.spacing. A separate entry keeps
// the application-facing bundle small.
export * from './ragged.js'
export * from './time-units.js'
export * from './natural-sort.js'
export * from './spacing.js'
export * from './float16.js'
export * from './node-import.js'
export * from './concat-bytes.js'
export * from './zip-names.js'
export { vouchSortedTrains } from './checked-times.js'
export * from './loader/index.js'
export * from './md5.js'
export * from './stable-time-order.js'
export * from './redact-url.js'
export { urlScheme } from './registry/url-scheme.js'
export * from './registry/unsupported-formats.js'
export { recordingsInside, type FoundInside, type Ranker } from './registry/detection-help.js'
export * from './sources/read-exactly-into.js'

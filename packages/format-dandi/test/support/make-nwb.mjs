// Moved to @spikes/testing (shared with the scan tests and benchmarks); kept so existing imports keep working.
export { makeNwb } from '../../../testing/src/dandi/make-nwb.mjs'

// Moved to @spikes/testing (shared with the scan tests and benchmarks); kept so existing imports keep working.
export { startEmulator, uuidFrom } from '../../../testing/src/dandi/dandi-emulator.mjs'

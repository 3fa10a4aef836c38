// Moved to @spikes/testing (shared with the scan tests); kept so existing imports keep working.
export * from '../../../testing/src/dandi/emulator.js'

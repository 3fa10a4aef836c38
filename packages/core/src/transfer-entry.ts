// A SpikeData between threads: postMessage without a copy, re-validated on arrival (kept out of the main entry's size budget).
export * from './spike-data-message.js'

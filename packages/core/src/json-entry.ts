// SpikeData as JSON: the `spikes load --json` document, tagged values, and the spikes-json loader.
export * from './json.js'
export * from './spike-format-json.js'
export * from './register.js'

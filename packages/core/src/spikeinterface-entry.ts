// Adapters for objects shaped like SpikeInterface sorting and recording extractors.
export * from './spikeinterface/index.js'

// HTTP(S) reading: Range-request sources and fetch with retries. A separate entry so that browser
// bundles that never touch the network stay small; loadSpikeData imports it lazily for URLs.
export * from './sources/http-fetch.js'
export * from './sources/http-source.js'
export * from './sources/http-folder.js'

// The modules only a load should need: third-party parsers and our own parsing packages. Importing a plugin's
// ./register entry, or running `spikes formats` / `spikes --help`, must load none of them (the loaders
// import their parsers on first use); tools/lazy-parsers.test.ts checks it and bench/startup reports it.

/** Each watched module: a name for messages and a test on the loaded module's URL. */
export const HEAVY_MODULES = [
  { name: 'h5wasm', test: (url) => url.includes('/node_modules/h5wasm/') },
  { name: 'fflate', test: (url) => url.includes('/node_modules/fflate/') },
  { name: 'hyparquet', test: (url) => /\/node_modules\/hyparquet(-writer)?\//.test(url) },
  { name: 'csv-parse', test: (url) => url.includes('/node_modules/csv-parse/') },
  { name: 'zarrita', test: (url) => url.includes('/node_modules/zarrita/') },
  { name: 'npyjs', test: (url) => url.includes('/node_modules/npyjs/') },
  { name: 'pickleparser', test: (url) => url.includes('/node_modules/pickleparser/') },
  // Our parsing packages: @spikes/hdf5 beyond its light entries, @spikes/dsp beyond its options entry.
  { name: '@spikes/hdf5', test: (url) => ours(url, 'hdf5') && !/\/(register-remote|mounter-token|signature)\.js$/.test(url) },
  { name: '@spikes/dsp (filters, detection)', test: (url) => ours(url, 'dsp') && !/\/(options|threshold-options|check-thresholding|filter-choice)\.js$/.test(url) },
  { name: '@spikes/numpy', test: (url) => ours(url, 'numpy') },
  { name: '@spikes/zarr', test: (url) => ours(url, 'zarr') },
  { name: '@spikes/scan (the survey engine)', test: (url) => ours(url, 'scan') },
  { name: '@spikes/remote (HTTP and S3 clients)', test: (url) => ours(url, 'remote') && /\/(http|s3)\//.test(url) },
  { name: 'the NWB writer', test: (url) => /\/(packages\/format-nwb|@spikes\/format-nwb)\/(dist|src)\/write\//.test(url) },
]

/** Whether `url` is a module of our package `name` (in the workspace or installed). */
function ours(url, name) {
  return url.includes(`/packages/${name}/dist/`) || url.includes(`/packages/${name}/src/`) || url.includes(`/node_modules/@spikes/${name}/`)
}

/** The names of the watched modules among `urls`. */
export function heavyIn(urls) {
  return HEAVY_MODULES.filter((m) => urls.some((url) => m.test(url))).map((m) => m.name)
}

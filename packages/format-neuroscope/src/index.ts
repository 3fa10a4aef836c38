export { neuroscopeLoader, detectNeuroscope, NEUROSCOPE_LOADER_VERSION, SHANK_FILE } from './neuroscope-loader.js'
export { neuroscopeOptions, type NeuroscopeOptions, type ResolvedNeuroscopeOptions } from './options.js'
export { registerNeuroscope } from './register-neuroscope.js'

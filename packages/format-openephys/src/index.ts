export { openephysLoader, detectOpenephys, OPENEPHYS_LOADER_VERSION } from './openephys-loader.js'
export { openephysOptions, type OpenephysOptions, type ResolvedOpenephysOptions } from './options.js'
export { registerOpenephys } from './register-openephys.js'

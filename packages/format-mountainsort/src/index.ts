export { mountainsortLoader, detectMountainsort, MOUNTAINSORT_LOADER_VERSION } from './mountainsort-loader.js'
export { mountainsortOptions, type MountainsortOptions, type ResolvedMountainsortOptions } from './options.js'
export { readMdaHeader, MDA_TYPES, type MdaHeader } from './lib/mda-header.js'
export { registerMountainsort } from './register-mountainsort.js'

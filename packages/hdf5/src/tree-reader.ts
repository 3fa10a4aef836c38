// The light entry '@spikes/hdf5/tree': the pure-TypeScript tree reader and the reference helpers, which is
// what a loader reading local files and Blobs with it needs at run time. The main entry also exports the
// h5wasm classes and the HTTP readers: 61 modules to load (with @spikes/remote) where these need 35.
export { Hdf5TreeFile, TreeDataset, TreeUnsupported, isFallbackSignal, openTree, sourceReader, type OpenTreeOptions, type CacheStats, type TreeDtype, type ReadBytes } from './tree/index.js'
export { isHdf5Reference, isNullReference, type Hdf5Reference } from './reference.js'

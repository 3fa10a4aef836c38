// Remote HDF5: h5wasm reading a file over HTTP with Range requests, synchronously (a worker thread under Node, synchronous XHR in a browser's Web Worker).
export { RemoteFile, type RemoteFileOptions, type RemoteTransferStats } from './remote-file.js'
export { SyncHttp, type SyncHttpOptions, type RangePart, type RangeBatch } from './sync-http.js'
export { XhrSyncHttp } from './xhr-sync-http.js'
export { openRangeTransport, inWebWorker, canReadRemoteInPlace, type RangeTransport } from './range-transport.js'
export { mountSyncReader, remoteFileMounter, mountedRemoteFiles, VIRTUAL_ROOT, type SyncReader } from './emscripten-mount.js'
export { openRemoteHdf5, registerRemoteHdf5, rethrowRemoteError, type OpenRemoteHdf5Options, type RemoteHdf5File } from './open-remote.js'

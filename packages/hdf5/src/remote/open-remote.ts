import { SpikesError } from '@spikes/core'
import type { Hdf5File } from '../file.js'
import { openHdf5 } from '../open.js'
import { remoteFileMounter } from './emscripten-mount.js'
import { RemoteFile, type RemoteFileOptions } from './remote-file.js'

/** Options of openRemoteHdf5. With a RemoteFile as input, only `name`, `blockBytes` and `signal` apply. */
export interface OpenRemoteHdf5Options extends RemoteFileOptions {
  /** Bytes per internal HDF5 read block (see openHdf5). */
  blockBytes?: number
}

export interface RemoteHdf5File extends Hdf5File {
  /** The Range-read file underneath: transfer counters (`stats`), `lastError`, `resolvedUrl`. */
  readonly remote: RemoteFile
}

/**
 * Opens an HDF5 file over HTTP(S) without downloading it: h5wasm reads through a block cache filled by
 * Range requests, so only the bytes of the objects you touch travel. Node, or a browser's Web Worker. Closing the file closes
 * the connection worker (unless you passed your own RemoteFile, which you close).
 *
 * Failures of the transfer surface as the typed error on `file.remote.lastError` (NetworkError,
 * AbortedError) and are rethrown by this function while opening; later reads through Hdf5File methods
 * report them as the error HDF5 gives (use rethrowRemoteError to get the typed one back).
 */
export async function openRemoteHdf5(input: string | RemoteFile, options: OpenRemoteHdf5Options = {}): Promise<RemoteHdf5File> {
  const owned = typeof input === 'string'
  const remote = owned ? await RemoteFile.open(input, options) : input
  let file: Hdf5File
  try {
    file = await openHdf5(remote, { mount: remoteFileMounter, name: options.name ?? remote.name, blockBytes: options.blockBytes, signal: options.signal })
  } catch (error) {
    const typed = remote.lastError ?? error
    if (owned) remote.closeSync()
    throw typed
  }
  if (owned) {
    const close = file.close.bind(file)
    Object.defineProperty(file, 'close', {
      value: async () => {
        try {
          await close()
        } finally {
          remote.closeSync()
        }
      },
    })
  }
  Object.defineProperty(file, 'remote', { value: remote, enumerable: false })
  return file as RemoteHdf5File
}

/** Runs `fn`; when it fails while `remote` holds a transfer error, throws that typed error instead. */
export async function rethrowRemoteError<T>(remote: RemoteFile, fn: () => T | Promise<T>): Promise<T> {
  const before = remote.lastError
  try {
    return await fn()
  } catch (error) {
    if (remote.lastError && remote.lastError !== before && !(error instanceof SpikesError && error === remote.lastError)) throw remote.lastError
    throw error
  }
}

export { registerRemoteHdf5 } from '../register-remote.js'

// A light entry ('@spikes/hdf5/register-remote'): registering the remote mounter imports none of the
// HDF5 code; the mounter loads it on the first remote file.
import { container as defaultContainer, type DependencyContainer } from '@spikes/core'
import { HDF5_MOUNTER } from './mounter-token.js'
import type { Hdf5Mounter } from './open.js'

const withRemote = new WeakSet<DependencyContainer>()

/** The RemoteFile mounter, imported on first use. */
const lazyRemoteMounter: Hdf5Mounter = async (source, h5) => (await import('./remote/emscripten-mount.js')).remoteFileMounter(source, h5)

/**
 * Registers the RemoteFile mounter on a container (default: the default container; idempotent), so any code that calls openHdf5 on a
 * RemoteFile, e.g. a format loader handed one as its ByteSource, reads it with Range requests; and so does
 * an http(s) URL given to loadSpikeData (its HttpSource), unless it has a custom fetch. The reads block
 * the calling thread: do not serve the file from that thread.
 */
export function registerRemoteHdf5(c: DependencyContainer = defaultContainer): void {
  if (withRemote.has(c)) return
  withRemote.add(c)
  c.register(HDF5_MOUNTER, { useValue: lazyRemoteMounter })
}

import { UnsupportedError } from '@spikes/core'
import { isNode } from '../runtime.js'
import { SyncHttp, type RangeBatch, type SyncHttpOptions } from './sync-http.js'
import { XhrSyncHttp } from './xhr-sync-http.js'

/** Blocking HTTP Range reads, as RemoteFile needs them: a worker thread under Node, synchronous XHR in a browser's Web Worker. */
export interface RangeTransport {
  /** The URL the transport was opened for. */
  readonly url: string
  /** The URL reads go to after a redirect, else `url`. */
  readonly resolvedUrl: string
  /** Fetches byte ranges [start, endInclusive], blocking until all have arrived; NetworkError or AbortedError on failure. */
  fetchRanges(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): RangeBatch
  /** Releases the transport (idempotent); later fetchRanges calls throw NetworkError. */
  close(): void
}

/** True in a browser's dedicated or shared Web Worker, where synchronous XHR may return binary data. */
export function inWebWorker(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope
  return typeof scope === 'function' && globalThis instanceof scope && typeof XMLHttpRequest === 'function'
}

/** Whether RemoteFile can work here: under Node, or in a browser's Web Worker (not on a page's main thread). */
export function canReadRemoteInPlace(): boolean {
  return isNode || inWebWorker()
}

/**
 * The Range transport for this runtime: SyncHttp under Node, XhrSyncHttp in a Web Worker. On a page's main
 * thread, which may not block, UnsupportedError (feature `remote-hdf5-main-thread`) with what to do instead.
 */
export async function openRangeTransport(url: string, options: SyncHttpOptions = {}): Promise<RangeTransport> {
  if (isNode) return SyncHttp.create(url, options)
  if (inWebWorker()) return new XhrSyncHttp(url, options)
  throw new UnsupportedError(
    'remote-hdf5-main-thread',
    'Reading a remote HDF5 file in place needs blocking reads, which a browser allows only in a Web Worker. Run the load in a Web Worker, or fetch the whole file and load it from a Blob.',
    {},
  )
}

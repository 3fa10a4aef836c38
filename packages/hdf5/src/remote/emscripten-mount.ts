import { NetworkError, UnsupportedError, type ByteSource } from '@spikes/core'
import { HttpSource } from '@spikes/remote'
import { noteTransferFailure } from '../errors.js'
import type { Hdf5Mount, Hdf5Mounter } from '../open.js'
import type { H5Wasm } from '../runtime.js'
import { canReadRemoteInPlace } from './range-transport.js'
import { RemoteFile } from './remote-file.js'

/**
 * A file h5wasm can open whose bytes come from a synchronous reader. h5wasm's Node build routes its FS
 * straight to node:fs (NODERAWFS), so there is no in-memory FS to add a device to; instead FS.open,
 * FS.stat/lstat/fstat are wrapped once, and paths under VIRTUAL_ROOT get a stream whose read() calls
 * the reader. Other paths are untouched.
 */
export interface SyncReader {
  /** File size in bytes. */
  readonly totalSize: number
  /** Copies up to `length` bytes at `offset` into `target` at `targetOffset`; returns the count (fewer only at the end). May throw. */
  readSync(offset: number, length: number, target: Uint8Array, targetOffset: number): number
  /** Set by the mount when readSync throws (h5wasm only sees EIO). */
  lastError: Error | null
}

/** Directory of h5wasm's FS under which mountSyncReader places its virtual files. */
export const VIRTUAL_ROOT = '/__spikes_remote__'

const EIO = 29
const EROFS = 69
const ENOENT = 44
const REGULAR_READONLY = 0o100444

interface EmStream {
  fd: number
  position: number
  path: string
  stream_ops?: unknown
  node: { id: number; mode: number; path: string }
}

interface EmFS {
  open(path: string, flags: number | string, mode?: number): EmStream
  fstat(fd: number): unknown
  stat(path: string, dontFollow?: boolean): unknown
  lstat(path: string): unknown
  createStream(stream: Record<string, unknown>, fd?: number): EmStream
  getStreamChecked(fd: number): EmStream
  ErrnoError: new (errno: number) => Error
}

const readers = new Map<string, { reader: SyncReader; ino: number }>()
const patched = new WeakSet<object>()
let counter = 0

function statOf(entry: { reader: SyncReader; ino: number }) {
  const size = entry.reader.totalSize
  const epoch = new Date(0)
  return { dev: 0x5350, ino: entry.ino, mode: REGULAR_READONLY, nlink: 1, uid: 0, gid: 0, rdev: 0, size, blocks: Math.ceil(size / 512), blksize: 4096, atime: epoch, mtime: epoch, ctime: epoch }
}

function patchFs(FS: EmFS): void {
  if (patched.has(FS)) return
  patched.add(FS)
  const open = FS.open
  const fstat = FS.fstat
  const stat = FS.stat
  const lstat = FS.lstat
  const virtual = (path: unknown) => typeof path === 'string' && path.startsWith(VIRTUAL_ROOT + '/')

  FS.open = function (path, flags, mode) {
    if (!virtual(path)) return open.call(this, path, flags, mode)
    const entry = readers.get(path)
    if (!entry) throw new FS.ErrnoError(ENOENT)
    const { reader, ino } = entry
    const numeric = typeof flags === 'number' ? flags : 0
    if ((numeric & 3) !== 0) throw new FS.ErrnoError(EROFS)
    const streamOps = {
      read(_stream: EmStream, buffer: Int8Array, offset: number, length: number, position: number): number {
        try {
          const into = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
          return reader.readSync(position, length, into, offset)
        } catch (error) {
          reader.lastError = error as Error
          noteTransferFailure(error as Error)
          throw new FS.ErrnoError(EIO)
        }
      },
      llseek(stream: EmStream, offset: number, whence: number): number {
        const position = whence === 1 ? stream.position + offset : whence === 2 ? reader.totalSize + offset : offset
        if (position < 0) throw new FS.ErrnoError(28)
        return position
      },
      write(): number {
        throw new FS.ErrnoError(EROFS)
      },
    }
    return FS.createStream({ path, flags: 0, seekable: true, position: 0, node: { id: ino, mode: REGULAR_READONLY, path, node_ops: {} }, stream_ops: streamOps })
  }
  FS.fstat = function (fd) {
    const stream = FS.getStreamChecked(fd)
    const entry = virtual(stream.path) ? readers.get(stream.path) : undefined
    return entry ? statOf(entry) : fstat.call(this, fd)
  }
  FS.stat = function (path, dontFollow) {
    if (!virtual(path)) return stat.call(this, path, dontFollow)
    const entry = readers.get(path)
    if (!entry) throw new FS.ErrnoError(ENOENT)
    return statOf(entry)
  }
  FS.lstat = function (path) {
    if (!virtual(path)) return lstat.call(this, path)
    const entry = readers.get(path)
    if (!entry) throw new FS.ErrnoError(ENOENT)
    return statOf(entry)
  }
}

/**
 * Makes `reader` openable by h5wasm under a virtual path; close() removes the path (the reader stays
 * open: its owner closes it).
 */
export function mountSyncReader(h5: H5Wasm, reader: SyncReader, name = 'file.h5'): Hdf5Mount {
  const FS = h5.FS as unknown as EmFS | null
  if (!FS || typeof FS.createStream !== 'function') throw new UnsupportedError('h5wasm-fs', 'This h5wasm build exposes no Emscripten FS, so a remote file cannot be mounted on it. Use the h5wasm 0.10 build that @spikes/hdf5 depends on.')
  patchFs(FS)
  const id = ++counter
  const filename = `${VIRTUAL_ROOT}/${id}/${name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'file.h5'}`
  readers.set(filename, { reader, ino: 0x7000_0000 + id })
  return {
    filename,
    size: reader.totalSize,
    close: () => {
      readers.delete(filename)
    },
  }
}

/**
 * The Hdf5Mounter for remote files (registered under HDF5_MOUNTER by registerRemoteHdf5): mounts RemoteFile sources
 * so h5wasm reads them with Range requests, and reads an http(s) URL's HttpSource (what loadSpikeData makes
 * of a URL) the same way, through a RemoteFile of its own, closed with the mount; its requests and bytes
 * are added to the HttpSource's `stats`. Declines every other source, an HttpSource with a custom `fetch`
 * (the blocking reader cannot call it), a server that ignores Range, and a page's main thread: those
 * sources are then copied as before.
 */
export const remoteFileMounter: Hdf5Mounter = async (source: ByteSource, h5: H5Wasm) => {
  if (source instanceof RemoteFile) return mountSyncReader(h5, source, source.name)
  if (!(source instanceof HttpSource) || source.requestOptions.fetch || !canReadRemoteInPlace()) return null
  const { headers, timeoutMs, retries, backoffMs, signal } = source.requestOptions
  let remote: RemoteFile
  try {
    remote = await RemoteFile.open(source.url, { name: source.name, headers, timeoutMs, retries, backoffMs, signal })
  } catch (error) {
    if (error instanceof NetworkError && (error.details as { rangeUnsupported?: boolean }).rangeUnsupported) return null
    throw error
  }
  const mount = mountSyncReader(h5, remote, source.name)
  return {
    ...mount,
    close: () => {
      mount.close()
      source.stats.requests += remote.stats.requests
      source.stats.bytes += remote.stats.bytes
      remote.closeSync()
    },
  }
}

/** Number of virtual files currently mounted (tests: nothing is left behind). */
export function mountedRemoteFiles(): number {
  return readers.size
}

import { container as defaultContainer, CorruptFileError, InvalidArgumentError, MissingFileError, throwIfAborted, type ByteSource, type DependencyContainer } from '@spikes/core'
import { FileContext } from './context.js'
import { guard } from './errors.js'
import { HDF5_MOUNTER } from './mounter-token.js'
import { Hdf5File } from './file.js'
import { isNode, loadH5wasm, nodeImport, type H5Wasm } from './runtime.js'
import { findHdf5Signature, signatureOffsets } from './signature.js'
import type { ReadBytes } from './chunks/fast-read.js'
import { pathReader } from './path-reader.js'

/** A file name h5wasm can open, plus how to release it. Produced by a mounter (see README: remote files). */
export interface Hdf5Mount {
  /** Path inside h5wasm's Emscripten FS. */
  filename: string
  /** File size in bytes, when known. */
  size?: number
  /** Releases the mount (temporary copy, virtual path); called when the Hdf5File closes or opening fails. */
  close(): void | Promise<void>
}

/**
 * Makes a ByteSource without a local path openable by h5wasm (HTTP range reads, ...). Returns null to
 * decline, so the next mounter (finally: copying the bytes) is tried.
 */
export type Hdf5Mounter = (source: ByteSource, h5: H5Wasm) => Promise<Hdf5Mount | null>

/** Options of openHdf5 and withHdf5. */
export interface OpenHdf5Options {
  /** Name used in messages (default: the path's base name, the Blob's name, the source name, 'bytes'). */
  name?: string
  /** Tried before the registered mounters for ByteSources without a path. */
  mount?: Hdf5Mounter
  /** Where the mounters are registered under HDF5_MOUNTER (default: the default container). */
  container?: DependencyContainer
  /** Bytes per internal read block (default 8 MiB). */
  blockBytes?: number
  /** Skip the signature check (a mounter that already verified the file). */
  skipSignatureCheck?: boolean
  /** Checked before opening and between the chunks of a ByteSource copy; an abort throws AbortedError. */
  signal?: AbortSignal
}

/**
 * What openHdf5 accepts: a local path (Node only, opened in place); bytes or a Blob/File (copied to a
 * temporary file under Node, into h5wasm's in-memory FS in a browser; a Blob in a Web Worker with WORKERFS
 * is read lazily instead); or a ByteSource (opened at its local path under Node, else through a mounter,
 * else copied like bytes).
 */
export type Hdf5Input = string | Uint8Array | ArrayBuffer | Blob | ByteSource

export { HDF5_MOUNTER }

function registeredMounters(c: DependencyContainer): Hdf5Mounter[] {
  return c.isRegistered(HDF5_MOUNTER, true) ? c.resolveAll(HDF5_MOUNTER) : []
}

const DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
const COPY_CHUNK = 16 * 1024 * 1024
let counter = 0

/**
 * Opens an HDF5 file read-only: a local path (read in place, never copied), bytes, a Blob/File, or any
 * ByteSource. Throws MissingFileError, CorruptFileError (not HDF5, truncated, unreadable superblock).
 */
export async function openHdf5(input: Hdf5Input, options: OpenHdf5Options = {}): Promise<Hdf5File> {
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES
  if (!(Number.isSafeInteger(blockBytes) && blockBytes >= 8)) throw new InvalidArgumentError('blockBytes', blockBytes, 'a positive number of bytes')
  throwIfAborted(options.signal, 'Opening an HDF5 file')
  const h5 = await loadH5wasm()
  const mount = await mountInput(input, h5, options)
  const name = options.name ?? mount.name
  let fileId: bigint
  try {
    throwIfAborted(options.signal, 'Opening an HDF5 file')
    if (!options.skipSignatureCheck && mount.signatureAt === -1) {
      throw new CorruptFileError(`${name} is not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...).`, { file: name, reason: 'no HDF5 signature' })
    }
    fileId = guard('Opening the file', name, () => new h5.File(mount.filename, 'r').file_id)
    if (!(typeof fileId === 'bigint' && fileId >= 0n)) throw new CorruptFileError(`HDF5 could not open ${name}. The file is truncated or corrupt.`, { file: name })
  } catch (error) {
    await mount.close()
    throw error
  }
  const bytes = mount.read && mount.size !== undefined ? { read: mount.read, size: mount.size } : undefined
  const signatureAt = mount.signatureAt === undefined || mount.signatureAt < 0 ? 0 : mount.signatureAt
  const ctx = new FileContext(h5, fileId, name, mount.size, blockBytes, mount.filename, signatureAt, bytes)
  return new Hdf5File(ctx, () => mount.close())
}

/** Opens, runs `fn`, and closes also when `fn` throws. */
export async function withHdf5<T>(input: Hdf5Input, fn: (file: Hdf5File) => T | Promise<T>, options?: OpenHdf5Options): Promise<T> {
  const file = await openHdf5(input, options)
  try {
    return await fn(file)
  } finally {
    await file.close()
  }
}

interface Mounted extends Hdf5Mount {
  name: string
  /** Offset of the HDF5 signature, -1 when none was found, undefined when not checked. */
  signatureAt?: number
  /** Reads of the same bytes beside h5wasm (the parallel chunk path); released by close(). */
  read?: ReadBytes
}

async function mountInput(input: Hdf5Input, h5: H5Wasm, options: OpenHdf5Options): Promise<Mounted> {
  if (typeof input === 'string') return mountPath(input)
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input)
    return { ...(await mountBytes(h5, bytes, 'bytes')), read: async (offset, length) => bytes.subarray(offset, offset + length) }
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) return { ...(await mountBlob(h5, input)), read: blobReader(input).read }
  if (input && typeof input === 'object' && (input as ByteSource).type === 'file' && typeof (input as ByteSource).read === 'function') {
    const source = input as ByteSource
    if (source.path && isNode) return { ...(await mountPath(source.path)), name: source.name }
    // A File/Blob behind the source (a file input, a directory pick): read in place in a Worker.
    if (source.blob && inWorkerWithWorkerfs(h5)) return { ...(await mountBlob(h5, source.blob)), name: source.name, read: (offset, length) => source.read(offset, length) }
    const mounters = registeredMounters(options.container ?? defaultContainer)
    for (const mounter of options.mount ? [options.mount, ...mounters] : mounters) {
      const m = await mounter(source, h5)
      if (m) {
        const size = m.size ?? (await source.size())
        return { ...m, size, name: source.name, signatureAt: options.skipSignatureCheck ? 0 : await sourceSignature(source, size), read: (offset, length) => source.read(offset, length) }
      }
    }
    return { ...(await mountSourceCopy(h5, source, options.signal)), read: (offset, length) => source.read(offset, length) }
  }
  throw new InvalidArgumentError('input', input, 'a file path, a Uint8Array, a Blob/File or a ByteSource')
}

async function mountPath(path: string): Promise<Mounted> {
  if (!isNode) throw new InvalidArgumentError('input', path, 'bytes, a Blob or a ByteSource (file paths need Node.js)')
  const { resolve, basename, dirname } = await nodeImport<typeof import('node:path')>('node:path')
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
  const absolute = resolve(path)
  let handle
  try {
    handle = await fs.open(absolute, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MissingFileError(basename(absolute), dirname(absolute), 'Check the path.')
    throw new InvalidArgumentError('input', path, `a readable file (${code ?? String(error)})`)
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) throw new InvalidArgumentError('input', path, 'a regular file, not a directory')
    let signatureAt = -1
    const buf = new Uint8Array(8)
    for (const offset of signatureOffsets(stat.size)) {
      const { bytesRead } = await handle.read(buf, 0, 8, offset)
      if (bytesRead === 8 && findHdf5Signature(buf) === 0) {
        signatureAt = offset
        break
      }
    }
    const reader = pathReader(fs, absolute)
    return { filename: absolute, name: basename(absolute), size: stat.size, signatureAt, read: reader.read, close: reader.close }
  } finally {
    await handle.close()
  }
}

async function mountBytes(h5: H5Wasm, bytes: Uint8Array, name: string): Promise<Mounted> {
  const signatureAt = await bytesSignature(bytes)
  if (isNode) {
    const tmp = await nodeTempFile()
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
    await fs.writeFile(tmp.path, bytes)
    return { filename: tmp.path, name, size: bytes.length, signatureAt, close: tmp.remove }
  }
  const filename = `/spikes-hdf5-${++counter}.h5`
  h5.FS!.writeFile(filename, bytes)
  return { filename, name, size: bytes.length, signatureAt, close: () => unlinkQuietly(h5, filename) }
}

async function mountBlob(h5: H5Wasm, blob: Blob): Promise<Mounted> {
  const name = (blob as File).name || 'blob'
  const FS = h5.FS as unknown as { filesystems?: Record<string, unknown>; mkdir(p: string): void; mount(t: unknown, o: unknown, p: string): void; unmount(p: string): void; rmdir(p: string): void } | null
  // In a Worker, WORKERFS reads the Blob lazily instead of copying it into the wasm heap.
  if (inWorkerWithWorkerfs(h5) && FS?.filesystems) {
    const dir = `/spikes-blob-${++counter}`
    FS.mkdir(dir)
    FS.mount(FS.filesystems.WORKERFS, { blobs: [{ name: 'file.h5', data: blob }] }, dir)
    const head = new Uint8Array(await blob.slice(0, 65536).arrayBuffer())
    return {
      filename: `${dir}/file.h5`,
      name,
      size: blob.size,
      signatureAt: findHdf5Signature(head) >= 0 ? findHdf5Signature(head) : await sourceSignature(blobReader(blob), blob.size),
      close: () => {
        try {
          FS.unmount(dir)
          FS.rmdir(dir)
        } catch {
          // already gone
        }
      },
    }
  }
  if (isNode) {
    const tmp = await nodeTempFile()
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
    const handle = await fs.open(tmp.path, 'w')
    try {
      for (let offset = 0; offset < blob.size; offset += COPY_CHUNK) {
        await handle.write(new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + COPY_CHUNK)).arrayBuffer()))
      }
    } finally {
      await handle.close()
    }
    const signatureAt = await sourceSignature(blobReader(blob), blob.size)
    return { filename: tmp.path, name, size: blob.size, signatureAt, close: tmp.remove }
  }
  return mountBytes(h5, new Uint8Array(await blob.arrayBuffer()), name)
}

/** In a Web Worker whose h5wasm build has WORKERFS (FileReaderSync reads Blob slices synchronously). */
function inWorkerWithWorkerfs(h5: H5Wasm): boolean {
  const FS = h5.FS as unknown as { filesystems?: Record<string, unknown> } | null
  return !isNode && typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync !== 'undefined' && !!FS?.filesystems?.WORKERFS
}

async function mountSourceCopy(h5: H5Wasm, source: ByteSource, signal?: AbortSignal): Promise<Mounted> {
  const size = await source.size()
  const signatureAt = await sourceSignature(source, size)
  if (isNode) {
    const tmp = await nodeTempFile()
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
    const handle = await fs.open(tmp.path, 'w')
    try {
      for (let offset = 0; offset < size; offset += COPY_CHUNK) {
        throwIfAborted(signal, `Copying ${source.name}`)
        const chunk = await source.read(offset, Math.min(COPY_CHUNK, size - offset))
        if (chunk.length === 0) break
        await handle.write(chunk)
      }
    } catch (error) {
      await handle.close()
      await tmp.remove()
      throw error
    }
    await handle.close()
    return { filename: tmp.path, name: source.name, size, signatureAt, close: tmp.remove }
  }
  const bytes = new Uint8Array(size)
  for (let offset = 0; offset < size; offset += COPY_CHUNK) {
    throwIfAborted(signal, `Copying ${source.name}`)
    const chunk = await source.read(offset, Math.min(COPY_CHUNK, size - offset))
    bytes.set(chunk, offset)
    if (chunk.length === 0) break
  }
  const m = await mountBytes(h5, bytes, source.name)
  return { ...m, signatureAt }
}

async function bytesSignature(bytes: Uint8Array): Promise<number> {
  return findHdf5Signature(bytes)
}

async function sourceSignature(source: Pick<ByteSource, 'read'>, size: number): Promise<number> {
  for (const offset of signatureOffsets(size)) {
    const head = await source.read(offset, 8)
    if (head.length === 8 && findHdf5Signature(head) === 0) return offset
  }
  return -1
}

function blobReader(blob: Blob): Pick<ByteSource, 'read'> {
  return { read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) }
}

async function nodeTempFile(): Promise<{ path: string; remove: () => Promise<void> }> {
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
  const { tmpdir } = await nodeImport<typeof import('node:os')>('node:os')
  const { join } = await nodeImport<typeof import('node:path')>('node:path')
  const dir = await fs.mkdtemp(join(tmpdir(), 'spikes-hdf5-'))
  const path = join(dir, 'file.h5')
  return {
    path,
    remove: async () => {
      await fs.rm(dir, { recursive: true, force: true })
    },
  }
}

function unlinkQuietly(h5: H5Wasm, filename: string): void {
  try {
    h5.FS!.unlink(filename)
  } catch {
    // already gone
  }
}

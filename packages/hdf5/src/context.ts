import { InvalidArgumentError } from '@spikes/core'
import type { FileBytes } from './chunks/fast-read.js'
import type { H5Module, H5Wasm } from './runtime.js'

/** What datasets share with their file (internal). */
export class FileContext {
  closed = false
  constructor(
    readonly h5: H5Wasm,
    readonly fileId: bigint,
    /** Name for messages (file name or URL). */
    readonly name: string,
    /** Size of the file in bytes, when known (bounds what a header may claim). */
    readonly size: number | undefined,
    readonly blockBytes: number,
    /** The file's name in h5wasm's FS and the offset of its HDF5 signature, for reading structures around HDF5. */
    readonly filename?: string,
    readonly signatureAt?: number,
    /** The file's bytes read beside h5wasm (asynchronously, several at once), for the parallel chunk path. */
    readonly bytes?: FileBytes,
  ) {}

  get M(): H5Module {
    return this.h5.Module
  }

  check(): void {
    if (this.closed) throw new InvalidArgumentError('file', `${this.name} (closed)`, 'an open Hdf5File; it was closed')
  }
}

/** '/a/b' from 'a/b', '/a//b/', ... */
export function normalizePath(path: string): string {
  if (typeof path !== 'string') throw new InvalidArgumentError('path', path, 'an HDF5 path such as "/group/dataset"')
  const p = ('/' + path).replace(/\/+/g, '/').replace(/\/$/, '')
  return p === '' ? '/' : p
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

export function joinPath(group: string, name: string): string {
  return group === '/' ? `/${name}` : `${group}/${name}`
}

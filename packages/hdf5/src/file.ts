import { CorruptFileError, InvalidDataError, MissingEntryError } from '@spikes/core'
import { readAttribute, readAttributes, type Hdf5AttrValue } from './attributes.js'
import { FileContext, joinPath, normalizePath, parentPath } from './context.js'
import { Hdf5Dataset } from './dataset.js'
import type { H5Metadata } from './dtype.js'
import { guard } from './errors.js'
import type { Hdf5Reference } from './reference.js'
import type { H5Module } from './runtime.js'
import { objectAddressOf } from './layout/dataset-chunks.js'

/** The two kinds of object Hdf5File reads. */
export type Hdf5Kind = 'group' | 'dataset'

/** One object found by Hdf5File.walk. */
export interface Hdf5Entry {
  /** Absolute path. */
  path: string
  /** 'datatype' for a named datatype, 'link' for a soft or external link that does not resolve, 'other' for an unreadable object. */
  kind: Hdf5Kind | 'link' | 'datatype' | 'other'
}

/** Where an HDF5 reference points, from Hdf5File.resolveReference. */
export interface ResolvedReference {
  kind: 'object' | 'region'
  /** Path of the referenced object (for a region: the dataset it selects from). */
  path: string
  /** 'group' | 'dataset' | null when the target is gone. */
  target: Hdf5Kind | null
}

/** An open HDF5 file. Every method is synchronous; close() (or withHdf5) releases it. */
export class Hdf5File {
  readonly #ctx: FileContext
  readonly #cleanup: () => void | Promise<void>
  #closing: Promise<void> | null = null

  /** @internal use openHdf5(). */
  constructor(ctx: FileContext, cleanup: () => void | Promise<void>) {
    this.#ctx = ctx
    this.#cleanup = cleanup
  }

  /** File name (or URL) used in messages. */
  get name(): string {
    return this.#ctx.name
  }

  /** Size in bytes when known. */
  get size(): number | undefined {
    return this.#ctx.size
  }

  get closed(): boolean {
    return this.#ctx.closed
  }

  /** The h5wasm Emscripten module and file id, for callers that need a call this API does not wrap. */
  get raw(): { module: H5Module; fileId: bigint } {
    this.#ctx.check()
    return { module: this.#ctx.M, fileId: this.#ctx.fileId }
  }

  /** 'group', 'dataset', or null when nothing is at `path` (also for broken links and named datatypes). */
  kind(path: string): Hdf5Kind | null {
    const k = this.#rawKind(normalizePath(path))
    return k === 'group' || k === 'dataset' ? k : null
  }

  #rawKind(p: string): Hdf5Kind | 'datatype' | 'link' | 'unreadable' | null {
    this.#ctx.check()
    if (p === '/') return 'group'
    const M = this.#ctx.M
    let type: number
    try {
      type = M.get_type(this.#ctx.fileId, p)
    } catch {
      type = -2
    }
    if (type === M.H5G_GROUP) return 'group'
    if (type === M.H5G_DATASET) return 'dataset'
    if (type === M.H5G_TYPE) return 'datatype'
    if (type === M.H5G_LINK || type === M.H5G_UDLINK) return 'link'
    // Not resolvable: absent, or present in its group's links but with an unreadable object header.
    const parent = parentPath(p)
    try {
      const names = M.get_names(this.#ctx.fileId, parent, false) as string[]
      if (names.includes(p.slice(parent === '/' ? 1 : parent.length + 1))) return 'unreadable'
    } catch {
      // the parent itself is absent or unreadable
    }
    return null
  }

  /** True when a group or dataset is at `path` (same rules as kind()). */
  has(path: string): boolean {
    return this.kind(path) !== null
  }

  /** Names (not paths) of the members of a group, in HDF5's name order. Throws MissingEntryError. */
  list(groupPath = '/'): string[] {
    const p = normalizePath(groupPath)
    this.#require(p, 'group')
    return guard(`Listing ${p}`, this.#ctx.name, () => [...(this.#ctx.M.get_names(this.#ctx.fileId, p, false) as string[])])
  }

  /** Every object below `groupPath` (recursive), as absolute paths with their kind. */
  walk(groupPath = '/'): Hdf5Entry[] {
    const p = normalizePath(groupPath)
    this.#require(p, 'group')
    const names = guard(`Walking ${p}`, this.#ctx.name, () => this.#ctx.M.get_names(this.#ctx.fileId, p, true) as string[])
    return names.map((name) => {
      const path = joinPath(p, name)
      const kind = this.#rawKind(path)
      return { path, kind: kind === null || kind === 'unreadable' ? 'other' : kind }
    })
  }

  /**
   * The address of the object's header in the file (as a decimal string), the same for every path that reaches the
   * object through hard links: a walk that keeps the addresses it has seen ends even when a link leads back to an
   * ancestor. Null when nothing readable is at `path`.
   */
  objectAddress(path: string): string | null {
    this.#ctx.check()
    const address = objectAddressOf(this.#ctx, normalizePath(path))
    return address === null ? null : String(address)
  }

  /** Attributes of a group or dataset (default: the root), one-element arrays unwrapped. */
  attrs(path = '/'): Record<string, Hdf5AttrValue> {
    const p = normalizePath(path)
    this.#require(p)
    return readAttributes(this.#ctx, p)
  }

  /** One attribute, or undefined when absent. Throws for an attribute that exists but cannot be decoded. */
  attr(path: string, name: string): Hdf5AttrValue | undefined {
    const p = normalizePath(path)
    this.#require(p)
    const names = guard(`Listing the attributes of ${p}`, this.#ctx.name, () => this.#ctx.M.get_attribute_names(this.#ctx.fileId, p) as string[])
    if (!names.includes(name)) return undefined
    return readAttribute(this.#ctx, p, name)
  }

  /** The dataset at `path`; MissingEntryError (with the names nearby) when absent, InvalidDataError when a group. */
  dataset(path: string): Hdf5Dataset {
    const p = normalizePath(path)
    this.#require(p, 'dataset')
    const metadata = guard(`Reading the header of ${p}`, this.#ctx.name, () => this.#ctx.M.get_dataset_metadata(this.#ctx.fileId, p) as unknown as H5Metadata, { dataset: p })
    return new Hdf5Dataset(this.#ctx, p, metadata)
  }

  /** The dataset at `path`, or null when nothing is there (still throws when `path` is a group). */
  maybeDataset(path: string): Hdf5Dataset | null {
    return this.kind(path) === null ? null : this.dataset(path)
  }

  /** Where a reference points. Throws InvalidDataError for a null or dangling reference. */
  resolveReference(ref: Hdf5Reference): ResolvedReference {
    const ctx = this.#ctx
    ctx.check()
    if (!ref || !(ref.bytes instanceof Uint8Array)) throw new InvalidDataError('Not an HDF5 reference.', { file: ctx.name })
    if (ref.bytes.every((b) => b === 0)) throw new InvalidDataError(`A null (unset) ${ref.kind} reference in ${ctx.name} points nowhere.`, { file: ctx.name })
    let path: string | null
    try {
      path = ctx.M.get_referenced_name(ctx.fileId, ref.bytes, ref.kind === 'object') as string | null
    } catch {
      path = null
    }
    if (!path) throw new InvalidDataError(`A ${ref.kind} reference in ${ctx.name} points to no object (dangling reference).`, { file: ctx.name })
    return { kind: ref.kind, path, target: this.kind(path) }
  }

  /** The values a region reference selects (flattened, as h5wasm returns them). */
  readRegion(ref: Hdf5Reference): unknown {
    const resolved = this.resolveReference(ref)
    const ctx = this.#ctx
    return guard(`Reading a region of ${resolved.path}`, ctx.name, () => {
      const region = new ctx.h5.DatasetRegion(new ctx.h5.Dataset(ctx.fileId, resolved.path), new ctx.h5.RegionReference(ref.bytes))
      return region.value
    })
  }

  /** Releases the file (idempotent). Datasets of a closed file throw when read. */
  close(): Promise<void> {
    if (!this.#closing) {
      const ctx = this.#ctx
      this.#closing = (async () => {
        if (ctx.closed) return
        ctx.closed = true
        try {
          ctx.M.close_file(ctx.fileId)
        } catch {
          // The handle is gone either way; cleanup must still run.
        }
        await this.#cleanup()
      })()
    }
    return this.#closing
  }

  /** Closes the file, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** Throws MissingEntryError naming what exists in the deepest existing ancestor group. */
  #require(path: string, kind?: Hdf5Kind): void {
    this.#ctx.check()
    const actual = this.#rawKind(path)
    if (actual === 'unreadable') {
      throw new CorruptFileError(`${path} is listed in ${this.#ctx.name} but its object header cannot be read. The file is corrupt.`, { file: this.#ctx.name, path })
    }
    if (actual === null || actual === 'link') {
      let parent = parentPath(path)
      while (parent !== '/' && this.kind(parent) !== 'group') parent = parentPath(parent)
      let nearby: string[] = []
      try {
        nearby = (this.#ctx.M.get_names(this.#ctx.fileId, parent, false) as string[]).map((n) => joinPath(parent, n)).sort()
      } catch {
        nearby = []
      }
      const hint = actual === 'link' ? `${path} is a broken soft link or an external link, which is not followed.` : kind === 'dataset' ? 'Check the dataset name (paths are case-sensitive).' : ''
      throw new MissingEntryError(path, this.#ctx.name, nearby, hint)
    }
    if (kind && actual !== kind) {
      throw new InvalidDataError(`${path} in ${this.#ctx.name} is a ${actual}, not a ${kind}.`, { file: this.#ctx.name, path, kind: actual, expected: kind })
    }
  }
}

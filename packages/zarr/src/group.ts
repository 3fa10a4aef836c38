import { CorruptFileError, InvalidArgumentError, InvalidDataError, MissingEntryError, MissingFileError, readAll, type FolderSource } from '@spikes/core'
import { ZarrArray, parseArrayMetadata } from './array.js'

/** Metadata documents (`.zgroup`, `.zarray`, `.zattrs`, `.zmetadata`) larger than this are refused (64 MiB). */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024

/** Options of `openZarr`. */
export interface OpenZarrOptions {
  /** Use the root's `.zmetadata` (consolidated metadata) when present, so no metadata file is listed or read; default true. */
  consolidated?: boolean
  /** A group inside the folder to open instead of its root ('a/b'). */
  path?: string
}

/** What a group holds under one name. */
export interface ZarrChild {
  readonly name: string
  readonly kind: 'group' | 'array'
}

/**
 * The metadata of a hierarchy: each document by its key (`'spikes/.zarray'`), from `.zmetadata` or read file by
 * file (and cached); `consolidated` says which.
 */
interface MetadataStore {
  readonly consolidated: boolean
  get(key: string): Promise<unknown>
  children(path: string): Promise<ZarrChild[]>
}

/**
 * Opens a Zarr v2 hierarchy in a core `FolderSource` (a local folder, `memoryFolder`, `httpFolder`, `s3Folder`):
 * its root (or `options.path`) must hold `.zgroup`. With `.zmetadata` at the root (zarr's consolidated metadata,
 * `zarr_consolidated_format` 1) every later metadata look-up is answered from it; otherwise `.zgroup`, `.zarray`
 * and `.zattrs` are read as needed and groups are listed. Errors: no `.zgroup` → MissingFileError; malformed
 * JSON → CorruptFileError (`file`); a document of the wrong shape → InvalidDataError (`file`, `field`).
 */
export async function openZarr(folder: FolderSource, options: OpenZarrOptions = {}): Promise<ZarrGroup> {
  const consolidated = options.consolidated ?? true
  if (typeof consolidated !== 'boolean') throw new InvalidArgumentError('consolidated', consolidated, 'true or false')
  const path = cleanPath(options.path ?? '')
  const store = consolidated && (await folder.exists('.zmetadata')) ? await consolidatedStore(folder) : fileStore(folder)
  return openGroup(folder, store, path)
}

async function openGroup(folder: FolderSource, store: MetadataStore, path: string): Promise<ZarrGroup> {
  const key = join(path, '.zgroup')
  const doc = await store.get(key)
  if (doc === undefined) throw new MissingFileError(key, folder.path ?? folder.name, 'A Zarr v2 group holds a .zgroup document ({"zarr_format": 2}).')
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidDataError(`${key} is not a JSON object.`, { file: key, field: '.zgroup' })
  const format = (doc as { zarr_format?: unknown }).zarr_format
  if (format !== 2) throw new InvalidDataError(`${key}: zarr_format is ${JSON.stringify(format)}; this reader reads Zarr v2 (zarr_format 2).`, { file: key, field: 'zarr_format', value: String(format) })
  return new ZarrGroup(folder, store, path, await attrsOf(store, path))
}

async function attrsOf(store: MetadataStore, path: string): Promise<Record<string, unknown>> {
  const key = join(path, '.zattrs')
  const doc = await store.get(key)
  if (doc === undefined) return {}
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidDataError(`${key} is not a JSON object.`, { file: key, field: '.zattrs' })
  return doc as Record<string, unknown>
}

/**
 * A Zarr v2 group: its attributes (`.zattrs`), its children, and access to child groups and arrays by
 * relative path ('spikes/sample_index').
 */
export class ZarrGroup {
  /** The group's path inside the hierarchy ('' for the root). */
  readonly path: string
  /** The group's `.zattrs` ({} when absent). */
  readonly attrs: Record<string, unknown>
  /** True when the metadata came from `.zmetadata`. */
  readonly consolidated: boolean
  readonly #folder: FolderSource
  readonly #store: MetadataStore

  /** Made by `openZarr`. @internal */
  constructor(folder: FolderSource, store: MetadataStore, path: string, attrs: Record<string, unknown>) {
    this.#folder = folder
    this.#store = store
    this.path = path
    this.attrs = attrs
    this.consolidated = store.consolidated
  }

  /** The groups and arrays directly inside this group, sorted by name. */
  async children(): Promise<ZarrChild[]> {
    return (await this.#store.children(this.path)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** What `name` (a relative path) is: 'group', 'array', or undefined when absent. */
  async kind(name: string): Promise<'group' | 'array' | undefined> {
    const path = join(this.path, cleanPath(name))
    if ((await this.#store.get(join(path, '.zarray'))) !== undefined) return 'array'
    if ((await this.#store.get(join(path, '.zgroup'))) !== undefined) return 'group'
    return undefined
  }

  /** The child group at `name` (MissingEntryError when there is none). */
  async group(name: string): Promise<ZarrGroup> {
    const path = join(this.path, cleanPath(name))
    if ((await this.#store.get(join(path, '.zgroup'))) === undefined) throw await this.#missing(name, 'group')
    return openGroup(this.#folder, this.#store, path)
  }

  /** The child array at `name`, its `.zarray` checked (MissingEntryError when there is none). */
  async array(name: string): Promise<ZarrArray> {
    const path = join(this.path, cleanPath(name))
    const key = join(path, '.zarray')
    const doc = await this.#store.get(key)
    if (doc === undefined) throw await this.#missing(name, 'array')
    return new ZarrArray(this.#folder, path, parseArrayMetadata(doc, key), await attrsOf(this.#store, path))
  }

  async #missing(name: string, what: string): Promise<MissingEntryError> {
    const nearby = (await this.children()).map((c) => c.name)
    return new MissingEntryError(name, `the Zarr group '${this.path || '/'}' of ${this.#folder.path ?? this.#folder.name}`, nearby, `No ${what} of that name.`)
  }
}

function cleanPath(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '')
  if (clean.split('/').some((part) => part === '..' || part === '.')) throw new InvalidArgumentError('path', path, "a path inside the hierarchy without '.' or '..'")
  return clean
}

function join(dir: string, name: string): string {
  return dir ? (name ? `${dir}/${name}` : dir) : name
}

function parseJsonDoc(bytes: Uint8Array, file: string): unknown {
  const text = new TextDecoder('utf-8').decode(bytes)
  try {
    // Python's json writes NaN / Infinity for float attributes; read them as JSON null would lose them, so map them to strings.
    return JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'))
  } catch (error) {
    throw new CorruptFileError(`${file} is not valid JSON (${(error as Error).message.slice(0, 120)}).`, { file }, { cause: error })
  }
}

async function readDoc(folder: FolderSource, key: string): Promise<unknown> {
  if (!(await folder.exists(key))) return undefined
  const source = await folder.open(key)
  try {
    const size = await source.size()
    if (size > MAX_METADATA_BYTES) throw new CorruptFileError(`${key} is ${size} bytes; Zarr metadata documents over ${MAX_METADATA_BYTES} bytes are refused.`, { file: key, size, limit: MAX_METADATA_BYTES })
    return parseJsonDoc(await readAll(source, MAX_METADATA_BYTES), key)
  } finally {
    await source.close()
  }
}

function fileStore(folder: FolderSource): MetadataStore {
  const cache = new Map<string, Promise<unknown>>()
  return {
    consolidated: false,
    get(key) {
      let doc = cache.get(key)
      if (!doc) {
        doc = readDoc(folder, key)
        cache.set(key, doc)
      }
      return doc
    },
    async children(path) {
      const out: ZarrChild[] = []
      for (const entry of await folder.list(path)) {
        if (entry.kind !== 'folder') continue
        const sub = join(path, entry.name)
        if (await folder.exists(join(sub, '.zarray'))) out.push({ name: entry.name, kind: 'array' })
        else if (await folder.exists(join(sub, '.zgroup'))) out.push({ name: entry.name, kind: 'group' })
      }
      return out
    },
  }
}

async function consolidatedStore(folder: FolderSource): Promise<MetadataStore> {
  const doc = await readDoc(folder, '.zmetadata')
  const format = (doc as { zarr_consolidated_format?: unknown })?.zarr_consolidated_format
  const metadata = (doc as { metadata?: unknown })?.metadata
  if (format !== 1 || !metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidDataError(`.zmetadata: zarr_consolidated_format ${JSON.stringify(format)} with ${metadata ? 'a' : 'no'} metadata object; zarr writes format 1 with a "metadata" object of documents by key.`, { file: '.zmetadata', field: 'zarr_consolidated_format' })
  }
  const docs = new Map(Object.entries(metadata as Record<string, unknown>))
  return {
    consolidated: true,
    async get(key) {
      return docs.get(key)
    },
    async children(path) {
      const prefix = path ? `${path}/` : ''
      const out: ZarrChild[] = []
      for (const key of docs.keys()) {
        if (!key.startsWith(prefix)) continue
        const rest = key.slice(prefix.length).split('/')
        if (rest.length !== 2) continue
        if (rest[1] === '.zarray') out.push({ name: rest[0]!, kind: 'array' })
        else if (rest[1] === '.zgroup') out.push({ name: rest[0]!, kind: 'group' })
      }
      return out
    },
  }
}

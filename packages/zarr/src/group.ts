import { CorruptFileError, InvalidArgumentError, InvalidDataError, MissingEntryError, MissingFileError, readAll, type FolderSource } from '@spikes/core'
import { ZarrArray, parseArrayMetadata } from './array.js'
import { attributesV3, checkNodeV3, parseArrayMetadataV3 } from './v3.js'

/** Metadata documents (`.zgroup`, `.zarray`, `.zattrs`, `.zmetadata`, `zarr.json`) larger than this are refused (64 MiB). */
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
  /** 2: documents `.zgroup` / `.zarray` / `.zattrs`; 3: one `zarr.json` per node. */
  readonly format: 2 | 3
  get(key: string): Promise<unknown>
  children(path: string): Promise<ZarrChild[]>
}

/**
 * Opens a Zarr hierarchy in a core `FolderSource` (a local folder, `memoryFolder`, `httpFolder`, `s3Folder`).
 * Zarr v2: its root (or `options.path`) holds `.zgroup`; with `.zmetadata` at the root (zarr's consolidated
 * metadata, `zarr_consolidated_format` 1) every later metadata look-up is answered from it; otherwise `.zgroup`,
 * `.zarray` and `.zattrs` are read as needed and groups are listed. Zarr v3 (no `.zgroup`, a `zarr.json`): each
 * node's `zarr.json` (`zarr_format` 3, `node_type`), or the root's `consolidated_metadata` (zarr-python 3) when
 * present. Errors: neither `.zgroup` nor `zarr.json` → MissingFileError (`file` `.zgroup`); malformed JSON →
 * CorruptFileError (`file`); a document of the wrong shape → InvalidDataError (`file`, `field`).
 */
export async function openZarr(folder: FolderSource, options: OpenZarrOptions = {}): Promise<ZarrGroup> {
  const consolidated = options.consolidated ?? true
  if (typeof consolidated !== 'boolean') throw new InvalidArgumentError('consolidated', consolidated, 'true or false')
  const path = cleanPath(options.path ?? '')
  const v2 = (await folder.exists(join(path, '.zgroup'))) || (await folder.exists('.zmetadata'))
  if (!v2 && ((await folder.exists(join(path, 'zarr.json'))) || (path !== '' && (await folder.exists('zarr.json'))))) {
    return openGroup(folder, await storeV3(folder, consolidated), path)
  }
  const store = consolidated && (await folder.exists('.zmetadata')) ? await consolidatedStore(folder) : fileStore(folder)
  return openGroup(folder, store, path)
}

async function openGroup(folder: FolderSource, store: MetadataStore, path: string): Promise<ZarrGroup> {
  if (store.format === 3) {
    const key = join(path, 'zarr.json')
    const doc = await store.get(key)
    if (doc === undefined) throw new MissingFileError(key, folder.path ?? folder.name, 'A Zarr v3 group holds a zarr.json document ({"zarr_format": 3, "node_type": "group"}).')
    return new ZarrGroup(folder, store, path, attributesV3(checkNodeV3(doc, key, 'group')))
  }
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
    if (this.#store.format === 3) return nodeType(await this.#store.get(join(path, 'zarr.json')))
    if ((await this.#store.get(join(path, '.zarray'))) !== undefined) return 'array'
    if ((await this.#store.get(join(path, '.zgroup'))) !== undefined) return 'group'
    return undefined
  }

  /** The child group at `name` (MissingEntryError when there is none). */
  async group(name: string): Promise<ZarrGroup> {
    const path = join(this.path, cleanPath(name))
    const v3 = this.#store.format === 3 ? await this.#store.get(join(path, 'zarr.json')) : undefined
    if (this.#store.format === 3 ? v3 === undefined || nodeType(v3) === 'array' : (await this.#store.get(join(path, '.zgroup'))) === undefined) throw await this.#missing(name, 'group')
    return openGroup(this.#folder, this.#store, path)
  }

  /** The child array at `name`, its `.zarray` checked (MissingEntryError when there is none). */
  async array(name: string): Promise<ZarrArray> {
    const path = join(this.path, cleanPath(name))
    if (this.#store.format === 3) {
      const key3 = join(path, 'zarr.json')
      const doc3 = await this.#store.get(key3)
      if (doc3 === undefined || nodeType(doc3) === 'group') throw await this.#missing(name, 'array')
      const metadata = parseArrayMetadataV3(doc3, key3)
      return new ZarrArray(this.#folder, path, metadata, attributesV3(doc3 as Record<string, unknown>))
    }
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

/** A v3 document's node_type when it is one, for look-ups (the document itself is checked when opened). */
function nodeType(doc: unknown): 'group' | 'array' | undefined {
  const t = doc && typeof doc === 'object' ? (doc as { node_type?: unknown }).node_type : undefined
  return t === 'group' || t === 'array' ? t : undefined
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
    format: 2,
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
    format: 2,
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

/** Caches documents read file by file. */
function cachedReader(folder: FolderSource): (key: string) => Promise<unknown> {
  const cache = new Map<string, Promise<unknown>>()
  return (key) => {
    let doc = cache.get(key)
    if (!doc) {
      doc = readDoc(folder, key)
      cache.set(key, doc)
    }
    return doc
  }
}

/** Most nodes a v3 consolidated_metadata may list (and nesting depth of groups' own consolidated metadata). */
const MAX_CONSOLIDATED_NODES = 1_000_000
const MAX_CONSOLIDATED_DEPTH = 32

/**
 * A Zarr v3 hierarchy: the root `zarr.json` is read (when present); with `consolidated` and a root
 * `consolidated_metadata` object (zarr-python 3: `{"kind": "inline", "must_understand": false, "metadata": {path:
 * node document}}`), every look-up is answered from it, else each node's `zarr.json` is read and folders listed.
 */
async function storeV3(folder: FolderSource, consolidated: boolean): Promise<MetadataStore> {
  const read = cachedReader(folder)
  const root = (await folder.exists('zarr.json')) ? await read('zarr.json') : undefined
  const cm = root && typeof root === 'object' && !Array.isArray(root) ? (root as { consolidated_metadata?: unknown }).consolidated_metadata : undefined
  if (consolidated && cm !== undefined && cm !== null) {
    const docs = new Map<string, unknown>([['zarr.json', root]])
    flattenConsolidated(cm, '', docs, 0)
    return {
      consolidated: true,
      format: 3,
      async get(key) {
        return docs.get(key)
      },
      async children(path) {
        const prefix = path ? `${path}/` : ''
        const out: ZarrChild[] = []
        for (const [key, doc] of docs) {
          if (!key.startsWith(prefix)) continue
          const rest = key.slice(prefix.length).split('/')
          const kind = nodeType(doc)
          if (rest.length === 2 && rest[1] === 'zarr.json' && kind) out.push({ name: rest[0]!, kind })
        }
        return out
      },
    }
  }
  return {
    consolidated: false,
    format: 3,
    get: read,
    async children(path) {
      const out: ZarrChild[] = []
      for (const entry of await folder.list(path)) {
        if (entry.kind !== 'folder') continue
        const key = join(join(path, entry.name), 'zarr.json')
        if (!(await folder.exists(key))) continue
        const kind = nodeType(await read(key))
        if (kind) out.push({ name: entry.name, kind })
      }
      return out
    },
  }
}

function flattenConsolidated(cm: unknown, prefix: string, docs: Map<string, unknown>, depth: number): void {
  const file = prefix ? `${prefix}/zarr.json` : 'zarr.json'
  const metadata = cm && typeof cm === 'object' && !Array.isArray(cm) ? (cm as { metadata?: unknown }).metadata : undefined
  const kind = (cm as { kind?: unknown } | null)?.kind
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata) || (kind !== undefined && kind !== 'inline') || depth > MAX_CONSOLIDATED_DEPTH) {
    throw new InvalidDataError(`${file}: consolidated_metadata is ${String(JSON.stringify(cm)).slice(0, 100)}; zarr-python 3 writes {"kind": "inline", "metadata": {path: node document}}.`, { file, field: 'consolidated_metadata' })
  }
  const entries = Object.entries(metadata as Record<string, unknown>)
  if (docs.size + entries.length > MAX_CONSOLIDATED_NODES) throw new InvalidDataError(`${file}: consolidated_metadata lists more than ${MAX_CONSOLIDATED_NODES} nodes.`, { file, field: 'consolidated_metadata' })
  for (const [name, doc] of entries) {
    const path = join(prefix, cleanPath(name))
    if (!path) continue
    docs.set(`${path}/zarr.json`, doc)
    const inner = doc && typeof doc === 'object' ? (doc as { consolidated_metadata?: unknown }).consolidated_metadata : undefined
    if (inner !== undefined && inner !== null) flattenConsolidated(inner, path, docs, depth + 1)
  }
}

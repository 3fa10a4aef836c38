import { InvalidDataError, MissingEntryError, throwIfAborted, UnsupportedError, type FolderSource } from '@spikes/core'
import type { Hdf5AttrValue, Hdf5Reference, ResolvedReference } from '@spikes/hdf5'
import type { ZarrGroup, ZarrValues } from '@spikes/zarr'
import { zarrAttr, ZarrTreeDataset, type ArrayEntry } from './zarr-dataset.js'

/** More groups and arrays than an NWB file holds outside its raw data; a larger tree is refused. */
const MAX_NODES = 50_000
/** Subtrees that never hold units or file metadata (cached schemas, stimuli). */
const SKIP = new Set(['/specifications', '/stimulus'])
/** Arrays this small are read wherever they are (scalars such as starting_time). */
const SMALL_ARRAY = 16

export interface ZarrTreeOptions {
  signal?: AbortSignal
  /** Bytes of array data read in all. */
  maxBytes: number
}

interface Node extends ArrayEntry {
  kind: 'group' | 'dataset'
  children: string[]
  values?: ZarrValues
}

function join(group: string, name: string): string {
  return group === '/' ? `/${name}` : `${group}/${name}`
}

function normal(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return parts.length ? `/${parts.join('/')}` : '/'
}

/**
 * An hdmf-zarr NWB store (groups and datasets as Zarr nodes, attributes in .zattrs, references as JSON objects)
 * read into memory: every node's metadata, and the values of the arrays the NWB reader needs (root datasets,
 * /general, every Units table and small arrays). It answers the synchronous subset of Hdf5File that the NWB
 * reader uses, so one reader serves both storages.
 */
export class ZarrTreeFile {
  readonly size = undefined
  private readonly ids = new Map<Node, string>()
  private constructor(
    readonly name: string,
    private readonly nodes: Map<string, Node>,
  ) {}

  static async open(folder: FolderSource, options: ZarrTreeOptions): Promise<ZarrTreeFile> {
    const { openZarr } = await import('@spikes/zarr')
    const root = await openZarr(folder)
    const nodes = new Map<string, Node>()
    const name = folder.path ?? folder.name
    await walk(root, '/', nodes, options, name)
    addLinks(nodes)
    await preload(nodes, options, name)
    return new ZarrTreeFile(name, nodes)
  }

  kind(path: string): 'group' | 'dataset' | null {
    return this.nodes.get(normal(path))?.kind ?? null
  }

  /**
   * An identity of the node at `path`, as Hdf5File.objectAddress gives: the same for a node and its zarr_link
   * aliases, so a walk that keeps the identities it has seen visits each node once. Null when nothing is there.
   */
  objectAddress(path: string): string | null {
    const node = this.nodes.get(normal(path))
    if (!node) return null
    let id = this.ids.get(node)
    if (id === undefined) this.ids.set(node, (id = String(this.ids.size + 1)))
    return id
  }

  has(path: string): boolean {
    return this.kind(path) !== null
  }

  list(group = '/'): string[] {
    const node = this.nodes.get(normal(group))
    if (!node || node.kind !== 'group') throw new MissingEntryError(normal(group), this.name, [], 'It is not a group of this NWB-Zarr store.')
    return [...node.children]
  }

  attrs(path = '/'): Record<string, Hdf5AttrValue> {
    const out: Record<string, Hdf5AttrValue> = {}
    for (const [k, v] of Object.entries(this.nodes.get(normal(path))?.attrs ?? {})) {
      const a = zarrAttr(v)
      if (a !== undefined) out[k] = a
    }
    return out
  }

  attr(path: string, name: string): Hdf5AttrValue | undefined {
    return zarrAttr(this.nodes.get(normal(path))?.attrs[name])
  }

  dataset(path: string): ZarrTreeDataset {
    const at = normal(path)
    const node = this.nodes.get(at)
    if (!node) throw new MissingEntryError(at, this.name, this.nearby(at))
    if (node.kind !== 'dataset') throw new InvalidDataError(`${at} in ${this.name} is a group, not a dataset.`, { kind: 'group', expected: 'dataset' })
    return new ZarrTreeDataset(at, node, node.values, this.name)
  }

  maybeDataset(path: string): ZarrTreeDataset | null {
    return this.kind(path) === 'dataset' ? this.dataset(path) : null
  }

  resolveReference(ref: Hdf5Reference): ResolvedReference {
    const path = normal(new TextDecoder().decode(ref.bytes))
    const target = this.kind(path)
    if (!target) throw new InvalidDataError(`A reference in ${this.name} points to ${path}, which is not in the store.`, { path })
    return { kind: ref.kind, path, target } as ResolvedReference
  }

  readRegion(): never {
    throw new UnsupportedError('nwb-zarr-region', `${this.name}: region references are not used by hdmf-zarr.`, { file: this.name })
  }

  private nearby(path: string): string[] {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/'
    return this.nodes.get(parent)?.children ?? []
  }
}

async function walk(group: ZarrGroup, path: string, nodes: Map<string, Node>, options: ZarrTreeOptions, name: string): Promise<void> {
  throwIfAborted(options.signal, `Reading ${name}`)
  const children = await group.children()
  nodes.set(path, { kind: 'group', attrs: group.attrs, shape: [], children: children.map((c) => c.name) })
  if (nodes.size + children.length > MAX_NODES) throw new UnsupportedError('nwb-zarr-size', `${name} holds more than ${MAX_NODES} groups and arrays outside its specifications; it is not read.`, { file: name })
  for (const child of children) {
    const childPath = join(path, child.name)
    if (SKIP.has(childPath)) continue
    if (child.kind === 'group') await walk(await group.group(child.name), childPath, nodes, options, name)
    else nodes.set(childPath, await arrayNode(group, child.name))
  }
}

/**
 * hdmf-zarr keeps soft links in the parent group's .zattrs (`zarr_link`: `[{name, source, path}]`). A link
 * to a node of this store becomes an alias of it (and of everything below it); links to other stores are left out.
 */
function addLinks(nodes: Map<string, Node>): void {
  const aliases: [string, string][] = []
  for (const [path, node] of nodes) {
    const links = node.kind === 'group' ? node.attrs.zarr_link : undefined
    if (!Array.isArray(links)) continue
    for (const link of links.slice(0, 1000)) {
      const { name, source, path: target } = (link ?? {}) as { name?: unknown; source?: unknown; path?: unknown }
      if (typeof name !== 'string' || !name || name.includes('/') || typeof target !== 'string' || (source !== undefined && source !== '.')) continue
      const from = join(path, name)
      const to = normal(target)
      if (nodes.has(from) || !nodes.has(to) || from === to || from.startsWith(`${to}/`)) continue
      aliases.push([from, to])
      node.children.push(name)
    }
  }
  for (const [from, to] of aliases) {
    for (const [path, node] of [...nodes]) {
      if (nodes.size > 2 * MAX_NODES) return
      if (path === to) nodes.set(from, node)
      else if (path.startsWith(`${to}/`)) nodes.set(from + path.slice(to.length), node)
    }
  }
}

/** An array's node; one whose dtype the Zarr reader does not decode (pickled references) keeps its shape and attributes. */
async function arrayNode(group: ZarrGroup, name: string): Promise<Node> {
  try {
    const array = await group.array(name)
    return { kind: 'dataset', attrs: array.attrs, shape: [...array.shape], children: [], array }
  } catch (error) {
    if ((error as { code?: string })?.code !== 'SPIKES_UNSUPPORTED') throw error
    return { kind: 'dataset', attrs: {}, shape: [0], children: [] }
  }
}

/** Roots whose arrays are all read: /general and every Units table (by type, or a plain /units). */
function preloadRoots(nodes: Map<string, Node>): string[] {
  const roots = ['/general', '/units']
  for (const [path, node] of nodes) if (node.kind === 'group' && node.attrs.neurodata_type === 'Units') roots.push(path)
  return roots
}

async function preload(nodes: Map<string, Node>, options: ZarrTreeOptions, name: string): Promise<void> {
  const roots = preloadRoots(nodes)
  let budget = options.maxBytes
  for (const [path, node] of nodes) {
    if (node.kind !== 'dataset' || !node.array || node.values !== undefined) continue
    const count = node.array.shape.reduce((n, d) => n * d, 1)
    const atRoot = path.lastIndexOf('/') === 0
    if (!(atRoot || count <= SMALL_ARRAY || roots.some((r) => path.startsWith(`${r}/`)))) continue
    throwIfAborted(options.signal, `Reading ${name}`)
    try {
      const { data } = await node.array.read({ maxBytes: budget, signal: options.signal })
      node.values = data
      budget -= count * node.array.dtype.itemsize
    } catch (error) {
      // Object columns other than strings (pickled references) stay unread; the reader skips them.
      if ((error as { code?: string })?.code === 'SPIKES_UNSUPPORTED') continue
      throw error
    }
  }
}

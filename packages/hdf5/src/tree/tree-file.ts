import { InvalidDataError, MissingEntryError } from '@spikes/core'
import type { Hdf5AttrValue } from '../attributes.js'
import type { ReadBytes } from '../chunks/fast-read.js'
import { normalizePath } from '../context.js'
import type { Hdf5Reference } from '../reference.js'
import { BLOCK_BYTES, BlockCache, type CacheStats } from './block-cache.js'
import type { TreeContext } from './context.js'
import { referenceAddress } from './decode.js'
import { chooseAhead, preload } from './preload.js'
import { settle } from './settle.js'
import { TreeUnsupported } from './signals.js'
import { findSignature, readSuperblock } from './superblock.js'
import { TreeDataset } from './tree-dataset.js'
import { walkTree, type TreeNode } from './walk.js'

/** How Hdf5TreeFile.open walks and reads ahead. */
export interface OpenTreeOptions {
  /** Name for messages. */
  name: string
  /** Where the HDF5 signature is (0, or 512, 1024, ... after a user block). */
  signatureAt?: number
  /** Subtrees not walked at all (e.g. /specifications). */
  skip?: readonly string[]
  /** Levels below the root walked (default: all), e.g. 2 to look at a file's root markers only. */
  maxDepth?: number
  /** Read small datasets ahead (default true); false: metadata only. */
  readAhead?: boolean
  /** Subtrees of raw data: headers walked, only their scalars read ahead. */
  raw?: readonly string[]
  /** Groups whose every dataset is read ahead (e.g. NWB Units tables), by their attributes and path. */
  readAheadGroup?: (path: string, attrs: Record<string, Hdf5AttrValue>) => boolean
  /** Datasets of those groups left to readNumericAsync (e.g. spike_times). */
  lazy?: (path: string) => boolean
  signal?: AbortSignal
}

const MAX_SOFT_LINKS = 16

/**
 * An HDF5 file read by the pure-TypeScript tree reader: its metadata walked once at open (block-cached reads,
 * siblings batched), small datasets read ahead. It answers the synchronous subset of Hdf5File that format
 * readers use, plus readNumericAsync. Whatever it does not decode raises TreeUnsupported and is remembered in
 * `fallbackReason`, so a caller whose code swallowed the error still knows to read the file with h5wasm.
 */
export class Hdf5TreeFile {
  /** The first feature the tree could not decode (the caller then reads the file with h5wasm); null while none. */
  fallbackReason: string | null = null
  readonly #root: TreeNode
  #pathByAddress: Map<number, string> | undefined

  private constructor(
    /** File name (or URL) used in messages. */
    readonly name: string,
    /** @internal */
    readonly ctx: TreeContext,
    /** @internal */
    readonly source: ReadBytes,
    root: TreeNode,
    /** @internal */
    readonly readStats: CacheStats,
  ) {
    this.#root = root
  }

  /** Opens the file: superblock, the whole tree (minus `skip`), values read ahead. TreeUnsupported or LayoutUnreadable when it cannot. */
  static async open(read: ReadBytes, size: number, options: OpenTreeOptions): Promise<Hdf5TreeFile> {
    const readStats: CacheStats = { requests: 0, bytes: 0 }
    const counted: ReadBytes = async (offset, length, into) => {
      const bytes = await read(offset, length, into)
      readStats.requests++
      readStats.bytes += bytes.length
      return bytes
    }
    const cache = new BlockCache(counted, size)
    // The first block and the file's last one in the first round: HDF5 libraries write the root group's late
    // metadata (h5py also the Units table's headers) at the end, so a remote open saves a round trip.
    if (size > 0) await cache.fetch([Math.floor((options.signatureAt ?? 0) / BLOCK_BYTES), Math.floor((size - 1) / BLOCK_BYTES)])
    const signatureAt = options.signatureAt ?? (await settle(cache, () => findSignature(cache.read, size)))
    const { file, root: rootAddress } = await settle(cache, () => readSuperblock(cache.read, signatureAt, size))
    const ctx: TreeContext = { file, cache, name: options.name, heaps: new Map() }
    const { root } = await walkTree(ctx, rootAddress, { skip: new Set(options.skip ?? []), maxDepth: options.maxDepth, signal: options.signal })
    const tree = new Hdf5TreeFile(options.name, ctx, counted, root, readStats)
    if (options.readAhead === false) return tree
    const all = [...tree.#paths()]
    const parents = new Map<TreeNode, TreeNode>()
    const aheadGroups = new Set<TreeNode>()
    for (const [path, node, parent] of all) {
      if (parent && !parents.has(node)) parents.set(node, parent)
      if (node.info.kind === 'group' && options.readAheadGroup?.(path, tree.attrsOf(node, false))) aheadGroups.add(node)
    }
    const policy = { raw: options.raw ?? [], lazy: options.lazy ?? (() => false), source: counted, signal: options.signal }
    await preload(ctx, chooseAhead(all.map(([p, n]) => [p, n] as [string, TreeNode]), { ...policy, lazy: (p) => policy.lazy(p) }, aheadGroups, parents), policy)
    return tree
  }

  /** Every path the walk reached, once per object (first path), with its parent. */
  *#paths(): Generator<[string, TreeNode, TreeNode | null]> {
    const seen = new Set<TreeNode>([this.#root])
    const queue: [string, TreeNode][] = [['/', this.#root]]
    yield ['/', this.#root, null]
    while (queue.length) {
      const [path, group] = queue.shift()!
      for (const [name, member] of group.children ?? []) {
        if (!('node' in member) || seen.has(member.node)) continue
        seen.add(member.node)
        const child = path === '/' ? `/${name}` : `${path}/${name}`
        yield [child, member.node, group]
        if (member.node.children) queue.push([child, member.node])
      }
    }
  }

  /** Size of the file in bytes. */
  get size(): number {
    return this.ctx.cache.size
  }

  /** Requests and bytes read from the source so far (metadata blocks, read-ahead values, async reads). */
  get stats(): CacheStats {
    return { ...this.readStats, rounds: this.ctx.cache.stats.rounds }
  }

  /** @internal Records `feature` as the fallback reason and throws TreeUnsupported. */
  unsupported(feature: string): never {
    this.fallbackReason ??= feature
    throw new TreeUnsupported(feature)
  }

  #lookup(path: string, depth = 0): TreeNode | null {
    const parts = normalizePath(path).split('/').filter(Boolean)
    let node = this.#root
    for (let i = 0; i < parts.length; i++) {
      if (node.info.kind !== 'group') return null
      if (node.info.linksUnsupported) this.unsupported(node.info.linksUnsupported)
      const member = node.children?.get(parts[i])
      if (!member) {
        if (!node.children) this.unsupported(`${node.path}, whose members were not walked`)
        return null
      }
      if ('unread' in member) this.unsupported(member.unread)
      if ('soft' in member) {
        if (depth >= MAX_SOFT_LINKS) return null
        const here = `/${parts.slice(0, i).join('/')}`
        const target = member.soft.startsWith('/') ? member.soft : `${here === '/' ? '' : here}/${member.soft}`
        const resolved = this.#lookup(target, depth + 1)
        if (!resolved) return null
        node = resolved
        continue
      }
      node = member.node
    }
    return node
  }

  /** 'group', 'dataset', or null when nothing the tree read is at `path`. */
  kind(path: string): 'group' | 'dataset' | null {
    const node = this.#lookup(path)
    return node && node.info.kind !== 'datatype' ? node.info.kind : null
  }

  /** True when an object is at `path`. */
  has(path: string): boolean {
    return this.kind(path) !== null
  }

  /** The object header address of `path` as a decimal string (the identity of an object with several paths), or null. */
  objectAddress(path: string): string | null {
    const node = this.#lookup(path)
    return node && node.info.kind !== 'datatype' ? String(node.info.address) : null
  }

  /** Names of a group's members, in the file's order. */
  list(group = '/'): string[] {
    const node = this.#lookup(group)
    if (!node || node.info.kind !== 'group') throw new MissingEntryError(normalizePath(group), this.name, [], 'It is not a group of this file.')
    if (node.info.linksUnsupported) this.unsupported(node.info.linksUnsupported)
    return (node.info.links ?? []).map((l) => l.name).sort(byteOrder)
  }

  /** @internal */
  attrsOf(node: TreeNode, strict = true): Record<string, Hdf5AttrValue> {
    if (node.info.attrsUnsupported && strict) this.unsupported(node.info.attrsUnsupported)
    const out: Record<string, Hdf5AttrValue> = {}
    for (const [name, attr] of node.info.attrs) {
      if ('value' in attr) out[name] = attr.value
      else if (strict) this.unsupported(`attribute '${name}' of ${node.path} (${attr.unsupported})`)
    }
    return out
  }

  /** Attributes of the object at `path`, one-element arrays unwrapped as Hdf5File.attrs does. */
  attrs(path = '/'): Record<string, Hdf5AttrValue> {
    return this.attrsOf(this.#require(path))
  }

  /** One attribute of the object at `path`, or undefined. */
  attr(path: string, name: string): Hdf5AttrValue | undefined {
    const node = this.#require(path)
    const attr = node.info.attrs.get(name)
    if (!attr) {
      if (node.info.attrsUnsupported) this.unsupported(node.info.attrsUnsupported)
      return undefined
    }
    if ('unsupported' in attr) this.unsupported(`attribute '${name}' of ${node.path} (${attr.unsupported})`)
    return attr.value
  }

  /** The dataset at `path`; MissingEntryError when there is none. */
  dataset(path: string): TreeDataset {
    const node = this.#require(path)
    if (node.info.kind !== 'dataset') throw new InvalidDataError(`${normalizePath(path)} in ${this.name} is a group, not a dataset.`, { kind: 'group', expected: 'dataset' })
    if (node.info.dataset?.unsupported) this.unsupported(`${normalizePath(path)}: ${node.info.dataset.unsupported}`)
    return new TreeDataset(normalizePath(path), node, this)
  }

  /** The dataset at `path`, or null. */
  maybeDataset(path: string): TreeDataset | null {
    return this.kind(path) === null ? null : this.dataset(path)
  }

  /** Where an object reference points (region references make the tree fall back). */
  resolveReference(ref: Hdf5Reference): { kind: 'object' | 'region'; path: string; target: 'group' | 'dataset' | null } {
    if (ref.kind !== 'object') this.unsupported('region references')
    if (ref.bytes.every((b) => b === 0)) throw new InvalidDataError(`A null (unset) ${ref.kind} reference in ${this.name} points nowhere.`, { file: this.name })
    if (!this.#pathByAddress) {
      this.#pathByAddress = new Map()
      for (const [path, node] of this.#paths()) this.#pathByAddress.set(node.info.address, path)
    }
    const path = this.#pathByAddress.get(referenceAddress(ref))
    if (path === undefined) return this.unsupported('a reference to an object outside the walked tree')
    return { kind: 'object', path, target: this.kind(path) }
  }

  /** Region references are not decoded here: always TreeUnsupported (the caller falls back to h5wasm). */
  readRegion(): never {
    return this.unsupported('region references')
  }

  #require(path: string): TreeNode {
    const node = this.#lookup(path)
    if (!node || node.info.kind === 'datatype') throw new MissingEntryError(normalizePath(path), this.name, [])
    return node
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}



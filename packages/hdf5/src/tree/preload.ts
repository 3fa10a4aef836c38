// Reading ahead the values the synchronous API will be asked for: small datasets everywhere outside the raw
// data (and the scalars inside it), and every column of a Units table except its spike times (read on demand,
// asynchronously). Small ones come through the block cache, fetched in one round; large ones straight from the source.
import { throwIfAborted } from '@spikes/core'
import type { ReadBytes } from '../chunks/fast-read.js'
import type { TreeContext } from './context.js'
import { strings } from './decode.js'
import { readElements } from './read-elements.js'
import { settle, settleAll } from './settle.js'
import { BLOCK_BYTES } from './block-cache.js'
import { isFallbackSignal, TreeUnsupported } from './signals.js'
import { datasetBytes, planStorage, type StoragePlan } from './storage.js'
import type { TreeNode } from './walk.js'

/** Datasets up to this size are read ahead wherever they are (outside the raw-data subtrees). */
const SMALL_BYTES = 1024 * 1024
/** Elements read ahead inside raw-data subtrees (starting_time, rate, ...). */
const RAW_SCALAR = 16
/** Bytes read ahead in all; more is left unread (a synchronous read of it falls back to h5wasm). */
const BUDGET = 512 * 1024 * 1024
/** Datasets read at once. */
const IN_FLIGHT = 8

export interface PreloadOptions {
  /** Subtrees whose datasets hold raw data: only their scalars are read ahead. */
  raw: readonly string[]
  /** Datasets read on demand only (by the asynchronous read), by name. */
  lazy: (path: string, node: TreeNode) => boolean
  source: ReadBytes
  signal?: AbortSignal
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(`${r}/`))
}

/** What to read ahead: [path, node], each dataset once. */
export function chooseAhead(all: Iterable<[string, TreeNode]>, options: PreloadOptions, unitsTables: ReadonlySet<TreeNode>, parents: Map<TreeNode, TreeNode>): TreeNode[] {
  const out: TreeNode[] = []
  const chosen = new Set<TreeNode>()
  let budget = BUDGET
  for (const [path, node] of all) {
    const ds = node.info.dataset
    if (!ds || ds.unsupported || node.values || chosen.has(node)) continue
    const bytes = datasetBytes(ds)
    const count = ds.shape.reduce((a, b) => a * b, 1)
    const parent = parents.get(node)
    const wanted = inside(path, options.raw) ? count <= RAW_SCALAR : bytes <= SMALL_BYTES || (!!parent && unitsTables.has(parent) && !options.lazy(path, node))
    if (!wanted || bytes > budget) continue
    budget -= bytes
    chosen.add(node)
    out.push(node)
  }
  return out
}

/** Reads the chosen datasets' values into their nodes; one whose storage the tree cannot read is left unread. */
export async function preload(ctx: TreeContext, nodes: TreeNode[], options: PreloadOptions): Promise<void> {
  const plans = await settleAll(ctx.cache, nodes.map((node) => () => planOrNull(ctx, node)))
  const small = nodes.map((n, i) => (plans[i] && datasetBytes(n.info.dataset!) <= SMALL_BYTES ? i : -1)).filter((i) => i >= 0)
  await ctx.cache.fetch(small.flatMap((i) => blocksOf(ctx, plans[i]!, datasetBytes(nodes[i].info.dataset!))))
  const viaCache: ReadBytes = (offset, length) => settle(ctx.cache, () => ctx.cache.read(offset, length).slice())
  let next = 0
  const lane = async () => {
    while (next < nodes.length) {
      const i = next++
      const node = nodes[i]
      const plan = plans[i]
      if (!plan) continue
      throwIfAborted(options.signal, `Reading ${ctx.name}`)
      const info = node.info.dataset!
      const read = datasetBytes(info) <= SMALL_BYTES ? viaCache : options.source
      const bytes = await readElements({ read, base: ctx.file.base, file: ctx.name, path: node.path, signal: options.signal }, info, plan)
      const count = info.shape.reduce((a, b) => a * b, 1)
      const text = info.dtype!.class === 'string' ? await settle(ctx.cache, () => strings(ctx, info.dtype!, bytes, count)) : undefined
      node.values = { bytes, strings: text }
    }
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, nodes.length) }, lane))
}

function planOrNull(ctx: TreeContext, node: TreeNode): StoragePlan | null {
  try {
    return planStorage(ctx, node.info.dataset!)
  } catch (error) {
    if (!isFallbackSignal(error)) throw error
    node.info.dataset!.unsupported ??= error instanceof TreeUnsupported ? error.feature : 'a storage layout not understood'
    return null
  }
}

function blocksOf(ctx: TreeContext, plan: StoragePlan, total: number): number[] {
  const ranges: [number, number][] = plan.kind === 'contiguous' ? [[plan.address, total]] : plan.kind === 'chunked' ? plan.chunks.map((c) => [c.address, c.size]) : []
  const out: number[] = []
  for (const [address, length] of ranges) {
    const at = ctx.file.base + address
    for (let b = Math.floor(at / BLOCK_BYTES); b <= Math.floor((at + Math.max(length, 1) - 1) / BLOCK_BYTES); b++) out.push(b)
  }
  return out
}

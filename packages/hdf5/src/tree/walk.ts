// The walk: the root, then every level of the tree in one round of parses (the headers of all siblings and
// cousins read together), each object once by its header address.
import { throwIfAborted } from '@spikes/core'
import type { TreeContext } from './context.js'
import type { Link } from './links.js'
import { readObject, type ObjectInfo } from './object.js'
import { settleAll } from './settle.js'
import { TreeUnsupported } from './signals.js'

/** One object of the tree; a group's members by name. */
export interface TreeNode {
  readonly info: ObjectInfo
  /** First path the walk reached it by (what a reference to it resolves to). */
  readonly path: string
  children?: Map<string, Member>
  /** Element bytes (and strings) read ahead for the synchronous reads. */
  values?: { bytes: Uint8Array; strings?: string[] }
}

/** A group member: an object, a soft link (followed on lookup), or something the walk did not read. */
export type Member = { node: TreeNode } | { soft: string } | { unread: string }

/** More objects than an NWB file holds outside its raw data: such a file is left to h5wasm. */
const MAX_NODES = 200_000

export interface WalkOptions {
  /** Subtrees not walked (their paths; reading in them falls back to h5wasm). */
  skip: ReadonlySet<string>
  /** Levels below the root walked (default: all); members deeper are not read (reading them falls back). */
  maxDepth?: number
  signal?: AbortSignal
}

function join(group: string, name: string): string {
  return group === '/' ? `/${name}` : `${group}/${name}`
}

/** Walks the tree from the root header; returns the root node and every node by header address. */
export async function walkTree(ctx: TreeContext, rootAddress: number, options: WalkOptions): Promise<{ root: TreeNode; nodes: Map<number, TreeNode> }> {
  const [rootInfo] = await settleAll(ctx.cache, [() => readObject(ctx, rootAddress)])
  const root: TreeNode = { info: rootInfo, path: '/' }
  const nodes = new Map<number, TreeNode>([[rootAddress, root]])
  let level: TreeNode[] = [root]
  for (let depth = 0; level.length; depth++) {
    throwIfAborted(options.signal, `Reading ${ctx.name}`)
    const wanted: { group: TreeNode; link: Link & { address: number }; path: string }[] = []
    for (const group of level) {
      if (group.info.kind !== 'group') continue
      group.children = new Map()
      for (const link of group.info.links ?? []) {
        const path = join(group.path, link.name)
        if ('soft' in link) group.children.set(link.name, { soft: link.soft })
        else if ('unsupported' in link) group.children.set(link.name, { unread: link.unsupported })
        else if (options.skip.has(path) || depth >= (options.maxDepth ?? Infinity)) group.children.set(link.name, { unread: `${path}, which is not walked` })
        else if (nodes.has(link.address)) group.children.set(link.name, { node: nodes.get(link.address)! })
        else wanted.push({ group, link, path })
      }
    }
    const firstPath = new Map<number, string>()
    for (const w of wanted) if (!firstPath.has(w.link.address)) firstPath.set(w.link.address, w.path)
    const addresses = [...firstPath.keys()]
    if (nodes.size + addresses.length > MAX_NODES) throw new TreeUnsupported(`more than ${MAX_NODES} objects`)
    const infos = await settleAll(ctx.cache, addresses.map((a) => () => readObject(ctx, a)))
    const next: TreeNode[] = []
    addresses.forEach((address, i) => {
      const node: TreeNode = { info: infos[i], path: firstPath.get(address)! }
      nodes.set(address, node)
      next.push(node)
    })
    for (const w of wanted) w.group.children!.set(w.link.name, { node: nodes.get(w.link.address)! })
    level = next
  }
  return { root, nodes }
}

// A group's members: old-style groups (symbol table: v1 B-tree of SNOD nodes, names in a local heap) and
// new-style groups: compact (link messages in the header) and dense (link messages in a fractal heap).
import { LayoutUnreadable, readExact, uint, type RawFile } from '../layout/raw-file.js'
import { btree2Records } from './btree2.js'
import { heapObject, readFractalHeap } from './fractal-heap.js'
import { gatherMisses } from './signals.js'

/** One member of a group: a hard link (header address), a soft link (path), or something not followed. */
export type Link = { name: string; address: number } | { name: string; soft: string } | { name: string; unsupported: string }

/** Members read per group at most. */
const MAX_LINKS = 1_000_000
const MAX_NAME = 64 * 1024

/** A link message (IV.A.2.g). */
export function parseLinkMessage(file: RawFile, view: DataView): Link {
  if (view.getUint8(0) !== 1) throw new LayoutUnreadable('link message version')
  const flags = view.getUint8(1)
  let p = 2
  const type = flags & 0x08 ? view.getUint8(p++) : 0
  if (flags & 0x04) p += 8
  if (flags & 0x10) p++
  const lengthBytes = 1 << (flags & 3)
  const nameLength = uint(view, p, lengthBytes) ?? 0
  p += lengthBytes
  if (p + nameLength > view.byteLength) throw new LayoutUnreadable('link name')
  const name = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + p, nameLength))
  p += nameLength
  if (type === 0) {
    const address = uint(view, p, file.offsetSize)
    if (address === undefined) throw new LayoutUnreadable('undefined link address')
    return { name, address }
  }
  if (type === 1) {
    const length = view.getUint16(p, true)
    return { name, soft: new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + p + 2, Math.min(length, view.byteLength - p - 2))) }
  }
  return { name, unsupported: type === 64 ? 'external links' : `links of type ${type}` }
}

/** The members of an old-style group from its symbol table message (B-tree address, local heap address). */
export function symbolTableLinks(file: RawFile, message: DataView): Link[] {
  const O = file.offsetSize
  const btree = uint(message, 0, O)
  const heap = uint(message, O, O)
  if (btree === undefined || heap === undefined) throw new LayoutUnreadable('undefined symbol table address')
  const names = localHeap(file, heap)
  const out: Link[] = []
  const seen = new Set<number>()
  const visit = (address: number, depth: number): void => {
    if (seen.has(address) || depth > 64) throw new LayoutUnreadable('the group B-tree loops')
    seen.add(address)
    const head = readExact(file, file.base + address, 8 + 2 * O)
    if (head.getUint32(0, true) !== 0x45455254 || head.getUint8(4) !== 0) throw new LayoutUnreadable('not a group B-tree node')
    const level = head.getUint8(5)
    const entries = head.getUint16(6, true)
    const L = file.lengthSize
    const body = readExact(file, file.base + address + 8 + 2 * O, entries * (L + O) + L)
    const children: number[] = []
    for (let i = 0; i < entries; i++) {
      const child = uint(body, i * (L + O) + L, O)
      if (child === undefined) throw new LayoutUnreadable('undefined B-tree child')
      children.push(child)
    }
    gatherMisses(children, (child) => (level > 0 ? visit(child, depth + 1) : symbolNode(file, child, names, out)))
  }
  visit(btree, 0)
  return out
}

function symbolNode(file: RawFile, address: number, names: (offset: number) => string, out: Link[]): void {
  const O = file.offsetSize
  const head = readExact(file, file.base + address, 8)
  if (head.getUint32(0, true) !== 0x444f4e53) throw new LayoutUnreadable('not a symbol table node')
  const count = head.getUint16(6, true)
  const entry = 2 * O + 24
  const body = readExact(file, file.base + address + 8, count * entry)
  if (out.length + count > MAX_LINKS) throw new LayoutUnreadable('too many group members')
  for (let i = 0; i < count; i++) {
    const nameOffset = uint(body, i * entry, O) ?? 0
    const header = uint(body, i * entry + O, O)
    const cacheType = body.getUint32(i * entry + 2 * O, true)
    const name = names(nameOffset)
    if (cacheType === 2) {
      out.push({ name, soft: names(body.getUint32(i * entry + 2 * O + 8, true)) })
    } else {
      if (header === undefined) throw new LayoutUnreadable('undefined object header address')
      out.push({ name, address: header })
    }
  }
}

/** Names in a local heap (null-terminated, at offsets into its data segment). */
function localHeap(file: RawFile, address: number): (offset: number) => string {
  const O = file.offsetSize
  const L = file.lengthSize
  const head = readExact(file, file.base + address, 8 + 2 * L + O)
  if (head.getUint32(0, true) !== 0x50414548) throw new LayoutUnreadable('not a local heap')
  const size = uint(head, 8, L)
  const data = uint(head, 8 + 2 * L, O)
  if (size === undefined || data === undefined) throw new LayoutUnreadable('local heap')
  const segment = readExact(file, file.base + data, size)
  const view = new Uint8Array(segment.buffer, segment.byteOffset, size)
  return (offset) => {
    if (offset >= size) throw new LayoutUnreadable('a name lies outside its local heap')
    let end = view.indexOf(0, offset)
    if (end < 0) end = size
    if (end - offset > MAX_NAME) throw new LayoutUnreadable('name too long')
    return new TextDecoder().decode(view.subarray(offset, end))
  }
}

/** The members of a dense group: link messages in a fractal heap, found through the name index (v2 B-tree type 5). */
export function denseLinks(file: RawFile, linkInfo: DataView): Link[] {
  const flags = linkInfo.getUint8(1)
  const at = 2 + (flags & 1 ? 8 : 0)
  const heapAddress = uint(linkInfo, at, file.offsetSize)
  const index = uint(linkInfo, at + file.offsetSize, file.offsetSize)
  if (heapAddress === undefined) return []
  if (index === undefined) throw new LayoutUnreadable('a dense group without a name index')
  const heap = readFractalHeap(file, heapAddress)
  return btree2Records(file, index, 5).map((record) => parseLinkMessage(file, heapObject(file, heap, record, 4)))
}

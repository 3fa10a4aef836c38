// One object header read into what the tree keeps: its kind, attributes, members (groups) and storage (datasets).
import type { Hdf5AttrValue } from '../attributes.js'
import { parseFilters, type PipelineFilter } from '../layout/chunk-index.js'
import { LayoutUnreadable, uint } from '../layout/raw-file.js'
import type { TreeContext } from './context.js'
import { parseDataspace, parseDatatype, type TreeDtype } from './datatype.js'
import { attributeValue } from './decode.js'
import { btree2Records } from './btree2.js'
import { heapObject, readFractalHeap } from './fractal-heap.js'
import { denseLinks, parseLinkMessage, symbolTableLinks, type Link } from './links.js'
import { readMessages, type HeaderMessage } from './messages.js'
import { TreeUnsupported } from './signals.js'

const MSG_DATASPACE = 0x01
const MSG_LINK_INFO = 0x02
const MSG_DATATYPE = 0x03
const MSG_LINK = 0x06
const MSG_EXTERNAL = 0x07
const MSG_LAYOUT = 0x08
const MSG_GROUP_INFO = 0x0a
const MSG_FILTERS = 0x0b
const MSG_ATTRIBUTE = 0x0c
const MSG_SYMBOL_TABLE = 0x11
const MSG_ATTRIBUTE_INFO = 0x15
/** Header message flag: the message is stored in the shared-message heap or a committed datatype. */
const SHARED = 0x02

/** A dataset's storage facts. A dataset the tree cannot read says why in `unsupported`. */
export interface DatasetInfo {
  dtype?: TreeDtype
  shape: number[]
  layout?: DataView
  filters: PipelineFilter[]
  chunks: number[] | null
  unsupported?: string
}

/** An attribute: its value, or why the tree does not decode it. */
export type TreeAttr = { value: Hdf5AttrValue } | { unsupported: string }

export interface ObjectInfo {
  readonly address: number
  readonly kind: 'group' | 'dataset' | 'datatype'
  readonly attrs: Map<string, TreeAttr>
  /** Why the attributes are not all known (dense attribute storage), when so. */
  readonly attrsUnsupported?: string
  readonly links?: Link[]
  readonly linksUnsupported?: string
  readonly dataset?: DatasetInfo
}

/** Reads the object header at `address` (relative to the base) and decodes its attributes. */
export function readObject(ctx: TreeContext, address: number): ObjectInfo {
  const messages = readMessages(ctx.file, address)
  const first = (type: number) => messages.find((m) => m.type === type)
  const attrs = new Map<string, TreeAttr>()
  for (const m of messages) if (m.type === MSG_ATTRIBUTE) readAttribute(ctx, m, attrs)
  const info = first(MSG_ATTRIBUTE_INFO)
  let attrsUnsupported: string | undefined
  if (info) {
    try {
      for (const body of denseAttributes(ctx, info.body)) readAttribute(ctx, { type: MSG_ATTRIBUTE, flags: 0, body }, attrs)
    } catch (error) {
      if (!(error instanceof TreeUnsupported)) throw error
      attrsUnsupported = error.feature
    }
  }
  if (first(MSG_LAYOUT)) return { address, kind: 'dataset', attrs, attrsUnsupported, dataset: datasetInfo(ctx, messages) }
  const symbols = first(MSG_SYMBOL_TABLE)
  if (symbols) return { address, kind: 'group', attrs, attrsUnsupported, links: symbolTableLinks(ctx.file, symbols.body) }
  const linkInfo = first(MSG_LINK_INFO)
  if (linkInfo || first(MSG_GROUP_INFO) || first(MSG_LINK)) {
    const compact = messages.filter((m) => m.type === MSG_LINK).map((m) => parseLinkMessage(ctx.file, m.body))
    try {
      return { address, kind: 'group', attrs, attrsUnsupported, links: [...compact, ...(linkInfo ? denseLinks(ctx.file, linkInfo.body) : [])] }
    } catch (error) {
      if (!(error instanceof TreeUnsupported)) throw error
      return { address, kind: 'group', attrs, attrsUnsupported, links: [], linksUnsupported: error.feature }
    }
  }
  if (first(MSG_DATATYPE)) return { address, kind: 'datatype', attrs, attrsUnsupported }
  throw new LayoutUnreadable(`the object at ${address} is neither a group nor a dataset`)
}

/** The attribute messages of dense attribute storage (fractal heap, name index: v2 B-tree type 8). */
function denseAttributes(ctx: TreeContext, view: DataView): DataView[] {
  const O = ctx.file.offsetSize
  const at = 2 + (view.getUint8(1) & 1 ? 2 : 0)
  const heapAddress = uint(view, at, O)
  const index = uint(view, at + O, O)
  if (heapAddress === undefined) return []
  if (index === undefined) throw new LayoutUnreadable('dense attributes without a name index')
  const heap = readFractalHeap(ctx.file, heapAddress)
  return btree2Records(ctx.file, index, 8).map((record) => heapObject(ctx.file, heap, record, 0))
}

function datasetInfo(ctx: TreeContext, messages: HeaderMessage[]): DatasetInfo {
  const find = (type: number) => messages.find((m) => m.type === type)
  const space = find(MSG_DATASPACE)
  const type = find(MSG_DATATYPE)
  const layout = find(MSG_LAYOUT)!
  const filterMessage = find(MSG_FILTERS)
  if (!space || !type) throw new LayoutUnreadable('a dataset without dataspace or datatype')
  let shape: number[]
  try {
    shape = parseDataspace(ctx.file, space.body).shape
  } catch (error) {
    if (error instanceof TreeUnsupported) return { shape: [], filters: [], chunks: null, unsupported: error.feature }
    throw error
  }
  const filters = filterMessage ? parseFilters(filterMessage.body) : []
  const chunks = chunkShape(layout.body, shape.length, ctx.file.offsetSize)
  const unsupported = (why: string): DatasetInfo => ({ shape, filters, chunks, unsupported: why })
  if (type.flags & SHARED) return unsupported('committed datatypes')
  if (find(MSG_EXTERNAL)) return unsupported('external storage')
  if (filters.some((f) => f.id !== 1 && f.id !== 2)) return unsupported(`filters ${filters.map((f) => f.id).join(', ')}`)
  try {
    return { dtype: parseDatatype(ctx.file, type.body).dtype, shape, layout: layout.body, filters, chunks }
  } catch (error) {
    if (error instanceof TreeUnsupported) return unsupported(error.feature)
    throw error
  }
}

/** The chunk shape of a chunked layout (versions 3 and 4), else null. */
function chunkShape(layout: DataView, rank: number, O: number): number[] | null {
  const version = layout.getUint8(0)
  if (layout.getUint8(1) !== 2 || rank === 0) return null
  if (version === 3) {
    return Array.from({ length: rank }, (_, d) => layout.getUint32(3 + O + d * 4, true))
  }
  if (version === 4) {
    const encoded = layout.getUint8(4)
    return Array.from({ length: rank }, (_, d) => uint(layout, 5 + d * encoded, encoded) ?? 0)
  }
  return null
}

/** An attribute message (versions 1 to 3) decoded into `out`; types the tree does not read are marked. */
function readAttribute(ctx: TreeContext, message: HeaderMessage, out: Map<string, TreeAttr>): void {
  const view = message.body
  const version = view.getUint8(0)
  const flags = view.getUint8(1)
  const nameSize = view.getUint16(2, true)
  const typeSize = view.getUint16(4, true)
  const spaceSize = view.getUint16(6, true)
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n)
  let p = version === 3 ? 9 : 8
  if (version < 1 || version > 3 || p + pad(nameSize) + pad(typeSize) + pad(spaceSize) > view.byteLength) throw new LayoutUnreadable('attribute message')
  const nameBytes = new Uint8Array(view.buffer, view.byteOffset + p, nameSize)
  const nul = nameBytes.indexOf(0)
  const name = new TextDecoder().decode(nul < 0 ? nameBytes : nameBytes.subarray(0, nul))
  p += pad(nameSize)
  if (flags & 3 && version > 1) {
    out.set(name, { unsupported: 'shared attribute datatypes' })
    return
  }
  const typeView = new DataView(view.buffer, view.byteOffset + p, typeSize)
  p += pad(typeSize)
  const spaceView = new DataView(view.buffer, view.byteOffset + p, spaceSize)
  p += pad(spaceSize)
  try {
    const shape = parseDataspace(ctx.file, spaceView).shape
    const dtype = parseDatatype(ctx.file, typeView).dtype
    const count = shape.reduce((a, b) => a * b, 1)
    if (p + count * dtype.bytes > view.byteLength) throw new LayoutUnreadable(`attribute '${name}' runs past its message`)
    out.set(name, { value: attributeValue(ctx, dtype, shape, new Uint8Array(view.buffer, view.byteOffset + p, count * dtype.bytes)) })
  } catch (error) {
    if (!(error instanceof TreeUnsupported)) throw error
    out.set(name, { unsupported: error.feature })
  }
}

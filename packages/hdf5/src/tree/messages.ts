import { LayoutUnreadable, readExact, uint, type RawFile } from '../layout/raw-file.js'

/** One message of an object header: its type, flags and body. */
export interface HeaderMessage {
  readonly type: number
  readonly flags: number
  readonly body: DataView
}

const MSG_CONTINUATION = 0x0010
/** Header blocks (the first plus continuations) read at most: real headers have a handful. */
const MAX_BLOCKS = 256
/** Largest header block read, in bytes. */
const MAX_BLOCK_BYTES = 16 * 1024 * 1024

/** Every message of the object header (version 1 or 2) at `address` (relative to the base), continuations followed. */
export function readMessages(file: RawFile, address: number): HeaderMessage[] {
  const out: HeaderMessage[] = []
  const blocks: { at: number; length: number }[] = []
  const seen = new Set<number>()
  const first = readExact(file, file.base + address, 16)
  const v2 = first.getUint32(0, true) === 0x5244484f // 'OHDR'
  const queue = (at: number, length: number): void => {
    if (seen.has(at) || seen.size >= MAX_BLOCKS || length > MAX_BLOCK_BYTES) throw new LayoutUnreadable('object header continuations loop or are too large')
    seen.add(at)
    blocks.push({ at, length })
  }
  let flags = 0
  if (v2) {
    if (first.getUint8(4) !== 2) throw new LayoutUnreadable(`object header version ${first.getUint8(4)}`)
    flags = first.getUint8(5)
    const start = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0)
    const sizeBytes = 1 << (flags & 3)
    const prefix = readExact(file, file.base + address + start, sizeBytes)
    queue(file.base + address + start + sizeBytes, uint(prefix, 0, sizeBytes) ?? 0)
  } else {
    if (first.getUint8(0) !== 1) throw new LayoutUnreadable(`object header version ${first.getUint8(0)}`)
    queue(file.base + address + 16, first.getUint32(8, true))
  }
  const headerBytes = v2 ? 4 + (flags & 0x04 ? 2 : 0) : 8
  for (let b = 0; b < blocks.length; b++) {
    const { at, length } = blocks[b]
    const view = readExact(file, at, length)
    const ochk = v2 && b > 0
    if (ochk && view.getUint32(0, true) !== 0x4b48434f) throw new LayoutUnreadable('continuation block without OCHK')
    let p = ochk ? 4 : 0
    const end = ochk ? length - 4 : length // chunk 0 is sized without its checksum; OCHK blocks include theirs
    while (p + headerBytes <= end) {
      const type = v2 ? view.getUint8(p) : view.getUint16(p, true)
      const size = v2 ? view.getUint16(p + 1, true) : view.getUint16(p + 2, true)
      const messageFlags = v2 ? view.getUint8(p + 3) : view.getUint8(p + 4)
      const body = p + headerBytes
      if (body + size > end) throw new LayoutUnreadable('a header message runs past its block')
      const data = new DataView(view.buffer, view.byteOffset + body, size)
      if (type === MSG_CONTINUATION) {
        const offset = uint(data, 0, file.offsetSize)
        const len = uint(data, file.offsetSize, file.lengthSize)
        if (offset === undefined || len === undefined) throw new LayoutUnreadable('undefined continuation address')
        queue(file.base + offset, len)
      } else {
        out.push({ type, flags: messageFlags, body: data })
      }
      p = body + size
    }
  }
  return out
}

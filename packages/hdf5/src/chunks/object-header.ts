// Just enough of the HDF5 file format to find a dataset's storage layout from the file's bytes: the
// superblock (sizes of offsets and lengths, base address) and the messages of an object header (version 1,
// or version 2 "OHDR" with "OCHK" continuation blocks). Every field read is bounds-checked against the
// file size; anything unexpected returns null so the caller falls back to h5wasm.

/**
 * Random access to the file's bytes (a local file, a Blob, HTTP Range reads): `length` bytes from `offset`,
 * fewer at the end. `into`, when given, may be filled and returned (a reader that reads in place).
 */
export type ReadBytes = (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>

/** What the superblock says about addresses. */
export interface Superblock {
  offsetSize: number
  lengthSize: number
  /** Absolute position that stored addresses are relative to. */
  base: number
  fileSize: number
}

const LAYOUT_MESSAGE = 0x08
const CONTINUATION_MESSAGE = 0x10
const MAX_HEADER_BLOCKS = 64
const MAX_BLOCK_BYTES = 1 << 20

/** Little-endian unsigned integer of 1..8 bytes; null above 2^53 (not an address this reader can use). */
export function readUint(bytes: Uint8Array, at: number, size: number): number | null {
  if (at < 0 || at + size > bytes.length) return null
  let value = 0
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i]
  return Number.isSafeInteger(value) ? value : null
}

/** The superblock at `signatureAt` (versions 0 to 3), or null when its fields are not usable. */
export async function readSuperblock(read: ReadBytes, signatureAt: number, fileSize: number): Promise<Superblock | null> {
  const head = await read(signatureAt, 48)
  if (head.length < 24) return null
  const version = head[8]
  let offsetSize: number, lengthSize: number, baseAt: number
  if (version === 0 || version === 1) {
    ;[offsetSize, lengthSize, baseAt] = [head[13], head[14], version === 0 ? 24 : 28]
  } else if (version === 2 || version === 3) {
    ;[offsetSize, lengthSize, baseAt] = [head[9], head[10], 12]
  } else return null
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return null
  const base = readUint(head, baseAt, offsetSize)
  if (base === null || base > fileSize) return null
  return { offsetSize, lengthSize, base, fileSize }
}

/** One message of an object header: its type and body. */
export interface HeaderMessage {
  type: number
  body: Uint8Array
}

/** The messages of the object header at `address` (relative to the base), following continuations. */
export async function readHeaderMessages(read: ReadBytes, sb: Superblock, address: number): Promise<HeaderMessage[] | null> {
  const at = sb.base + address
  const prefix = await read(at, 16)
  if (prefix.length < 16) return null
  const isV2 = prefix[0] === 0x4f && prefix[1] === 0x48 && prefix[2] === 0x44 && prefix[3] === 0x52
  const messages: HeaderMessage[] = []
  const blocks: { start: number; length: number; v2: boolean; continuation: boolean }[] = []
  if (isV2) {
    if (prefix[4] !== 2) return null
    const flags = prefix[5]
    const sizeAt = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0)
    const sizeBytes = 1 << (flags & 3)
    const sizeField = await read(at + sizeAt, sizeBytes)
    const length = readUint(sizeField, 0, sizeBytes)
    if (length === null) return null
    blocks.push({ start: at + sizeAt + sizeBytes, length, v2: true, continuation: false })
  } else {
    if (prefix[0] !== 1) return null
    const length = readUint(prefix, 8, 4)
    if (length === null) return null
    blocks.push({ start: at + 16, length, v2: false, continuation: false })
  }
  const seen = new Set<number>()
  for (let b = 0; b < blocks.length; b++) {
    if (b >= MAX_HEADER_BLOCKS) return null
    const block = blocks[b]
    if (seen.has(block.start) || block.length > MAX_BLOCK_BYTES || block.start + block.length > sb.fileSize) return null
    seen.add(block.start)
    const bytes = await read(block.start, block.length)
    if (bytes.length < block.length) return null
    const parsed = block.v2 ? parseV2Block(bytes, block.continuation, isV2 ? prefix[5] : 0) : parseV1Block(bytes)
    if (!parsed) return null
    for (const m of parsed) {
      if (m.type === CONTINUATION_MESSAGE) {
        const offset = readUint(m.body, 0, sb.offsetSize)
        const length = readUint(m.body, sb.offsetSize, sb.lengthSize)
        if (offset === null || length === null) return null
        blocks.push({ start: sb.base + offset, length, v2: isV2, continuation: true })
      } else messages.push(m)
    }
  }
  return messages
}

function parseV1Block(bytes: Uint8Array): HeaderMessage[] | null {
  const out: HeaderMessage[] = []
  for (let p = 0; p + 8 <= bytes.length; ) {
    const type = bytes[p] | (bytes[p + 1] << 8)
    const size = bytes[p + 2] | (bytes[p + 3] << 8)
    if (p + 8 + size > bytes.length) return null
    out.push({ type, body: bytes.subarray(p + 8, p + 8 + size) })
    p += 8 + size
  }
  return out
}

function parseV2Block(bytes: Uint8Array, continuation: boolean, headerFlags: number): HeaderMessage[] | null {
  let p = 0
  if (continuation) {
    if (!(bytes[0] === 0x4f && bytes[1] === 0x43 && bytes[2] === 0x48 && bytes[3] === 0x4b)) return null
    p = 4
  }
  // The block ends with a 4-byte checksum (for chunk 0 it follows the size-counted bytes).
  const end = continuation ? bytes.length - 4 : bytes.length
  const headerBytes = headerFlags & 0x04 ? 6 : 4
  const out: HeaderMessage[] = []
  while (p + headerBytes <= end) {
    const type = bytes[p]
    const size = bytes[p + 1] | (bytes[p + 2] << 8)
    if (p + headerBytes + size > end) return null
    out.push({ type, body: bytes.subarray(p + headerBytes, p + headerBytes + size) })
    p += headerBytes + size
  }
  return out
}

/** The body of the data layout message, or null when the header has none. */
export function layoutMessage(messages: HeaderMessage[]): Uint8Array | null {
  return messages.find((m) => m.type === LAYOUT_MESSAGE)?.body ?? null
}

import { CorruptFileError, UnsupportedError, readExactly, type ByteSource } from '@spikes/core'

/** One member of a zip archive, from the central directory. */
export interface ZipEntry {
  readonly fileName: string
  /** 0 stored, 8 deflated. */
  readonly method: number
  readonly compressedSize: number
  readonly size: number
  readonly crc32: number
  /** Offset of the member's local header. */
  readonly localOffset: number
  readonly encrypted: boolean
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
/** A central directory larger than this is refused (it would be ~500k members). */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024

function u64(dv: DataView, at: number, name: string): number {
  const lo = dv.getUint32(at, true)
  const hi = dv.getUint32(at + 4, true)
  if (hi >= 0x200000) throw new UnsupportedError('zip-offset', `${name}: a zip64 size or offset is beyond 2^53 bytes.`, { file: name })
  return hi * 4294967296 + lo
}

/** Reads the central directory (zip and zip64). */
export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  const name = source.name
  const size = await source.size()
  const notZip = (why: string): CorruptFileError => new CorruptFileError(`${name} is not a readable zip (.npz) archive: ${why}.`, { file: name, size })
  if (size < 22) throw notZip('it is shorter than the smallest zip')
  const tailLength = Math.min(size, 22 + 65535 + 20)
  const tailStart = size - tailLength
  const tail = await readExactly(source, tailStart, tailLength)
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  let eocd = -1
  // The record and its comment end the file exactly (as every zip writer leaves it): bytes after it are not a zip.
  for (let p = tail.length - 22; p >= 0; p--) {
    if (tv.getUint32(p, true) === EOCD && p + 22 + tv.getUint16(p + 20, true) === tail.length) {
      eocd = p
      break
    }
  }
  if (eocd < 0) throw notZip('no end-of-central-directory record')
  const eocdAt = tailStart + eocd
  checkSingleEnd(tv, eocd, tailStart, notZip)
  let entries = tv.getUint16(eocd + 10, true)
  let cdSize = tv.getUint32(eocd + 12, true)
  let cdOffset = tv.getUint32(eocd + 16, true)
  if (tv.getUint16(eocd + 4, true) !== 0 && tv.getUint16(eocd + 4, true) !== 0xffff) throw new UnsupportedError('zip-multidisk', `${name} is a multi-part zip archive.`, { file: name })
  let cdEnd = eocdAt
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20
    if (loc < 0 || tv.getUint32(loc, true) !== ZIP64_LOCATOR) throw notZip('a zip64 archive without its zip64 locator')
    const z64Offset = u64(tv, loc + 8, name)
    if (z64Offset + 56 > size) throw notZip('the zip64 end record lies beyond the end of the file')
    const z = await readExactly(source, z64Offset, 56)
    const zv = new DataView(z.buffer, z.byteOffset, z.byteLength)
    if (zv.getUint32(0, true) !== ZIP64_EOCD) throw notZip('the zip64 end record is missing')
    entries = u64(zv, 32, name)
    cdSize = u64(zv, 40, name)
    cdOffset = u64(zv, 48, name)
    cdEnd = z64Offset
  }
  // The central directory runs up to the end record: a directory that ends elsewhere belongs to another record.
  if (cdOffset + cdSize !== cdEnd) throw notZip(`the central directory (${cdSize} bytes at ${cdOffset}) does not end where the end-of-central-directory record starts (${cdEnd})`)
  if (cdOffset + cdSize > size) throw notZip(`the central directory (${cdSize} bytes at ${cdOffset}) lies beyond the end of the file (${size} bytes)`)
  if (cdSize > MAX_CENTRAL_DIRECTORY) throw new UnsupportedError('zip-directory-size', `${name}: the zip central directory is ${cdSize} bytes, more than this reader accepts.`, { file: name, size: cdSize })
  if (entries > cdSize / 46) throw notZip(`the directory claims ${entries} members but has room for ${Math.floor(cdSize / 46)}`)
  const cd = await readExactly(source, cdOffset, cdSize)
  const dv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength)
  const out: ZipEntry[] = []
  const utf8 = new TextDecoder('utf-8')
  let p = 0
  for (let i = 0; i < entries; i++) {
    if (p + 46 > cd.length || dv.getUint32(p, true) !== CENTRAL) throw notZip(`central directory entry ${i} is damaged`)
    const flags = dv.getUint16(p + 8, true)
    const method = dv.getUint16(p + 10, true)
    const crc32 = dv.getUint32(p + 16, true)
    const nameLength = dv.getUint16(p + 28, true)
    const extraLength = dv.getUint16(p + 30, true)
    const commentLength = dv.getUint16(p + 32, true)
    const end = p + 46 + nameLength + extraLength + commentLength
    if (end > cd.length) throw notZip(`central directory entry ${i} runs past the directory`)
    const rawName = cd.subarray(p + 46, p + 46 + nameLength)
    const fileName = flags & 0x800 ? utf8.decode(rawName) : cp437ish(rawName)
    const sizes = zip64Sizes(dv, p + 46 + nameLength, extraLength, { size: dv.getUint32(p + 24, true), compressedSize: dv.getUint32(p + 20, true), localOffset: dv.getUint32(p + 42, true) }, name)
    out.push({ fileName, method, ...sizes, crc32, encrypted: (flags & 1) !== 0 })
    p = end
  }
  if (p !== cd.length) throw notZip(`the central directory holds ${cd.length - p} bytes after its ${entries} entries`)
  // numpy (and every zip writer) puts the first member at byte 0: bytes before it are another archive or a forgery.
  const first = out.reduce((min, e) => Math.min(min, e.localOffset), Infinity)
  if (out.length > 0 && first !== 0) throw notZip(`its first member starts at byte ${first}, not 0; the bytes before it are not part of this directory's archive (an appended or forged directory)`)
  return out
}

/** A central directory entry's sizes and offset, the overflowed ones (0xffffffff) taken from its zip64 extra field. */
function zip64Sizes(dv: DataView, start: number, length: number, sizes: { size: number; compressedSize: number; localOffset: number }, name: string): { size: number; compressedSize: number; localOffset: number } {
  let { size, compressedSize, localOffset } = sizes
  // zip64 extra field: only the values that overflowed are present, in this order.
  let e = start
  const extraEnd = start + length
  while (e + 4 <= extraEnd) {
    const id = dv.getUint16(e, true)
    const len = dv.getUint16(e + 2, true)
    if (id === 0x0001) {
      let q = e + 4
      if (size === 0xffffffff && q + 8 <= e + 4 + len) (size = u64(dv, q, name)), (q += 8)
      if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) (compressedSize = u64(dv, q, name)), (q += 8)
      if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) (localOffset = u64(dv, q, name)), (q += 8)
    }
    e += 4 + len
  }
  return { size, compressedSize, localOffset }
}

/**
 * Refuses an archive with two end-of-central-directory records that each describe a directory ending right where
 * they start: one of them was appended to hide the other, and readers would disagree on the members.
 */
function checkSingleEnd(tv: DataView, eocd: number, tailStart: number, notZip: (why: string) => Error): void {
  for (let p = eocd - 1; p >= 0; p--) {
    if (tv.getUint32(p, true) !== EOCD || p + 22 > tv.byteLength) continue
    const size = tv.getUint32(p + 12, true)
    const offset = tv.getUint32(p + 16, true)
    if (offset + size === tailStart + p) throw notZip(`it holds two end-of-central-directory records (at ${tailStart + p} and ${tailStart + eocd}); the archive was altered`)
  }
}

function cp437ish(bytes: Uint8Array): string {
  // Names in npz files are ASCII; bytes above 0x7f map through latin-1 rather than a full CP437 table.
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return s
}

/** Offset of a member's data (after its local header), checked against the file. */
export async function memberDataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  const name = source.name
  const size = await source.size()
  if (entry.localOffset + 30 > size) throw new CorruptFileError(`${name}: the local header of '${entry.fileName}' lies beyond the end of the file.`, { file: name, member: entry.fileName })
  const head = await readExactly(source, entry.localOffset, 30)
  const dv = new DataView(head.buffer, head.byteOffset, 30)
  if (dv.getUint32(0, true) !== LOCAL) throw new CorruptFileError(`${name}: the local header of '${entry.fileName}' is damaged.`, { file: name, member: entry.fileName })
  const flags = dv.getUint16(6, true)
  const localCrc = dv.getUint32(14, true)
  // Without a data descriptor (flag bit 3) the local header repeats the CRC; zip64 members leave the sizes to the extra field.
  if ((flags & 8) === 0 && dv.getUint16(8, true) === entry.method && localCrc !== entry.crc32) {
    throw new CorruptFileError(`${name}: the local header of '${entry.fileName}' gives CRC-32 ${hex(localCrc)}, the central directory ${hex(entry.crc32)}; the archive was altered.`, { file: name, member: entry.fileName, expected: hex(entry.crc32), actual: hex(localCrc) })
  }
  const start = entry.localOffset + 30 + dv.getUint16(26, true) + dv.getUint16(28, true)
  if (start + entry.compressedSize > size) {
    throw new CorruptFileError(`${name}: member '${entry.fileName}' claims ${entry.compressedSize} bytes at ${start}, past the end of the file (${size} bytes). The archive is truncated.`, {
      file: name,
      member: entry.fileName,
      expected: start + entry.compressedSize,
      available: size,
    })
  }
  return start
}

/** A CRC-32 as zip tools print it: eight hex digits. */
export function hex(crc: number): string {
  return crc.toString(16).padStart(8, '0')
}

/** A window of another source, for stored members (reads are passed through, no copy of the member). */
export function sliceSource(source: ByteSource, start: number, length: number, name: string): ByteSource {
  return {
    type: 'file',
    name,
    size: async () => length,
    read: async (offset, n) => {
      const end = Math.min(offset + n, length)
      if (end <= offset) return new Uint8Array(0)
      return source.read(start + offset, end - offset)
    },
    close: async () => {},
  }
}

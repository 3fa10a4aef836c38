// Small byte-level writers for the hostile cases: .npy, zip (.npz) with chosen CRCs and sizes, Zarr v2 folders.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join as joinPath } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { join, u32le } from './deflate.mjs'

const TEXT = new TextEncoder()

/**
 * An .npy (format 1.0) with the header dict text given verbatim (so a shape such as `(200.0,)` can be written).
 * @param {string} descr
 * @param {string} shapeText e.g. '(6,)'
 * @param {Uint8Array} data
 */
export function npy(descr, shapeText, data) {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n'
  return join([Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8), TEXT.encode(header), data])
}

/** @param {ArrayLike<number>} values @returns {Uint8Array} */
export const f8 = (values) => new Uint8Array(Float64Array.from(values).buffer)
/** @param {ArrayLike<number>} values @returns {Uint8Array} */
export const i8 = (values) => new Uint8Array(BigInt64Array.from(Array.from(values), (v) => BigInt(v)).buffer)
/** @param {ArrayLike<number>} values @returns {Uint8Array} */
export const u4 = (values) => new Uint8Array(Uint32Array.from(values).buffer)

/** CRC-32 (zip's), for honest members. @param {Uint8Array} bytes */
export function crc32(bytes) {
  let c = ~0
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i]
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return ~c >>> 0
}

/** @param {number} v */
const u16 = (v) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff)

/**
 * A zip archive. Each member: `data` (stored, or deflated with `deflate`), or `raw` compressed bytes with `size` as
 * the declared uncompressed size; `crc` overrides the CRC-32 written in both headers.
 * @param {{ name: string, data?: Uint8Array, raw?: Uint8Array, size?: number, deflate?: boolean, crc?: number }[]} members
 * @returns {{ bytes: Uint8Array, centralStart: number, centralLength: number }}
 */
export function zip(members) {
  const parts = []
  const central = []
  let offset = 0
  for (const m of members) {
    const name = TEXT.encode(m.name)
    const method = m.raw || m.deflate ? 8 : 0
    const body = m.raw ?? (m.deflate ? new Uint8Array(deflateRawSync(m.data))  : m.data)
    const size = m.size ?? m.data.length
    const crc = m.crc ?? crc32(m.data ?? new Uint8Array(0))
    const common = join([u16(20), u16(0), u16(method), u16(0), u16(0), u32le(crc), u32le(body.length), u32le(size), u16(name.length), u16(0)])
    const local = join([u32le(0x04034b50), common, name])
    central.push(join([u32le(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32le(0), u32le(offset), name]))
    parts.push(local, body)
    offset += local.length + body.length
  }
  const cd = join(central)
  const eocd = join([u32le(0x06054b50), u16(0), u16(0), u16(members.length), u16(members.length), u32le(cd.length), u32le(offset), u16(0)])
  return { bytes: join([...parts, cd, eocd]), centralStart: offset, centralLength: cd.length }
}

/**
 * Appends a second end-of-central-directory record after the real one, pointing at a forged central directory
 * (placed before it) that lists `members` of the archive with other offsets: readers that take the last record read
 * the forged members.
 * @param {{ bytes: Uint8Array }} archive the real archive
 * @param {{ bytes: Uint8Array, centralStart: number, centralLength: number }} forged an archive whose members are placed after
 */
export function forgeEndRecord(archive, forged) {
  const base = archive.bytes.length
  // The forged archive's members and directory are appended whole (its own end record dropped), its directory's
  // offsets shifted by `base`; then a new end record ends the file.
  const body = forged.bytes.slice(0, forged.centralStart + forged.centralLength)
  const view = new DataView(body.buffer)
  for (let p = forged.centralStart; p + 46 <= body.length; ) {
    view.setUint32(p + 42, view.getUint32(p + 42, true) + base, true)
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true)
  }
  const count = new DataView(forged.bytes.buffer, forged.bytes.byteOffset).getUint16(forged.bytes.length - 22 + 10, true)
  const eocd = join([u32le(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32le(forged.centralLength), u32le(base + forged.centralStart), u16(0)])
  return join([archive.bytes, body, eocd])
}

/**
 * Writes `files` (relative path -> bytes or text; JSON values for .zarray / .zattrs / .zgroup) under `dir`.
 * @param {string} dir
 * @param {Record<string, Uint8Array | string | object | undefined>} files
 */
export function writeTree(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    if (content === undefined) continue
    const path = joinPath(dir, rel)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content instanceof Uint8Array || typeof content === 'string' ? content : JSON.stringify(content))
  }
}

/**
 * A Zarr v2 array's metadata (C order, fill 0).
 * @param {string} dtype @param {number[]} shape @param {number[]} chunks @param {object | null} compressor
 */
export function zarray(dtype, shape, chunks, compressor = null) {
  return { zarr_format: 2, shape, chunks, dtype, compressor, fill_value: 0, filters: null, order: 'C' }
}

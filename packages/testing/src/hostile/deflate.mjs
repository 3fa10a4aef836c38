// Deflate streams of zeros of any decoded size, built in milliseconds: one raw-deflate segment of 1 MiB of zeros
// ended by a sync flush (byte-aligned, self-contained: it starts with a literal, then matches at distance 1) is
// repeated, and a final empty block closes the stream. 4 GiB of zeros is ~4 MB of deflate. Plain JS so that the
// bench can use it without a build.
import { deflateRawSync, constants } from 'node:zlib'

const MIB = 1024 * 1024
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00)

/** @type {Map<number, Uint8Array>} */
const segments = new Map()
/** @param {number} size */
function segment(size) {
  let s = segments.get(size)
  if (!s) segments.set(size, (s = new Uint8Array(deflateRawSync(new Uint8Array(size), { level: 9, finishFlush: constants.Z_SYNC_FLUSH }))))
  return s
}

/**
 * A raw deflate stream that inflates to `size` zero bytes.
 * @param {number} size
 * @returns {Uint8Array}
 */
export function zerosDeflateRaw(size) {
  const whole = Math.floor(size / MIB)
  const rest = size - whole * MIB
  const parts = []
  for (let i = 0; i < whole; i++) parts.push(segment(MIB))
  if (rest > 0) parts.push(segment(rest))
  parts.push(FINAL_EMPTY_BLOCK)
  return join(parts)
}

/**
 * A zlib stream (RFC 1950, what HDF5's deflate filter and numcodecs' zlib write) of `size` zero bytes, with its
 * correct Adler-32 (for zeros: a = 1, b = size mod 65521).
 * @param {number} size
 * @returns {Uint8Array}
 */
export function zerosZlib(size) {
  const b = size % 65521
  const adler = ((b << 16) | 1) >>> 0
  return join([Uint8Array.of(0x78, 0xda), zerosDeflateRaw(size), u32be(adler)])
}

/**
 * A gzip member of `size` zero bytes. Its CRC-32 is not computed (0): readers must stop long before they reach it.
 * @param {number} size
 * @returns {Uint8Array}
 */
export function zerosGzipUnchecked(size) {
  const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3)
  return join([header, zerosDeflateRaw(size), new Uint8Array(4), u32le(size >>> 0)])
}

/** @param {number} v */
export function u32le(v) {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff)
}
/** @param {number} v */
function u32be(v) {
  return Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
}

/**
 * @param {Uint8Array[]} parts
 * @returns {Uint8Array}
 */
export function join(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * A Zstandard frame without a content size, made of RLE blocks of zeros (at most 128 KiB each): `size` zero bytes
 * in 4 bytes per block.
 * @param {number} size
 * @returns {Uint8Array}
 */
export function zerosZstdWithoutSize(size) {
  const BLOCK = 128 * 1024
  const parts = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)] // magic; no content size; window 128 KiB
  for (let left = size; left > 0 || parts.length === 1; ) {
    const n = Math.min(BLOCK, left)
    left -= n
    const header = (n << 3) | (1 << 1) | (left === 0 ? 1 : 0)
    parts.push(Uint8Array.of(header & 0xff, (header >>> 8) & 0xff, (header >>> 16) & 0xff, 0))
  }
  return join(parts)
}

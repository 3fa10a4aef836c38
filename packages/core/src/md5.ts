/**
 * Incremental MD5 (RFC 1321), for checking downloads against the MD5 digests archives publish (Alyx's dataset
 * hashes, S3 ETags, DANDI's multipart dandi-etag) where browsers' Web Crypto has none. Under Node,
 * node:crypto's MD5 is faster.
 */
export class Md5 {
  private readonly state = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476])
  private readonly block = new Uint8Array(64)
  private readonly words = new Int32Array(16)
  private blockLength = 0
  private totalBytes = 0

  /** Adds `bytes` to the hashed stream (any split of the input gives the same digest). */
  update(bytes: Uint8Array): this {
    let offset = 0
    this.totalBytes += bytes.length
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, bytes.length)
      this.block.set(bytes.subarray(0, take), this.blockLength)
      this.blockLength += take
      offset = take
      if (this.blockLength < 64) return this
      this.compress(this.block, 0)
      this.blockLength = 0
    }
    for (; offset + 64 <= bytes.length; offset += 64) this.compress(bytes, offset)
    this.block.set(bytes.subarray(offset), 0)
    this.blockLength = bytes.length - offset
    return this
  }

  /** The digest as 32 lower-case hexadecimal digits; the hash cannot be updated afterwards. */
  digestHex(): string {
    const bits = this.totalBytes * 8
    const padding = new Uint8Array((this.blockLength < 56 ? 56 : 120) - this.blockLength + 8)
    padding[0] = 0x80
    const view = new DataView(padding.buffer)
    view.setUint32(padding.length - 8, bits >>> 0, true)
    view.setUint32(padding.length - 4, Math.floor(bits / 0x100000000), true)
    this.update(padding)
    let hex = ''
    for (const word of this.state) for (let i = 0; i < 4; i++) hex += ((word >>> (8 * i)) & 0xff).toString(16).padStart(2, '0')
    return hex
  }

  private compress(bytes: Uint8Array, offset: number): void {
    const x = this.words
    for (let i = 0; i < 16; i++) {
      const o = offset + 4 * i
      x[i] = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)
    }
    const s = this.state
    let a = s[0]!
    let b = s[1]!
    let c = s[2]!
    let d = s[3]!
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      if (i < 16) {
        f = (b & c) | (~b & d)
        g = i
      } else if (i < 32) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) & 15
      } else if (i < 48) {
        f = b ^ c ^ d
        g = (3 * i + 5) & 15
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) & 15
      }
      const sum = (a + f + K[i]! + x[g]!) | 0
      a = d
      d = c
      c = b
      b = (b + ((sum << SHIFT[i]!) | (sum >>> (32 - SHIFT[i]!)))) | 0
    }
    s[0] = (s[0]! + a) | 0
    s[1] = (s[1]! + b) | 0
    s[2] = (s[2]! + c) | 0
    s[3] = (s[3]! + d) | 0
  }
}

/** RFC 1321's table: K[i] = floor(|sin(i + 1)| · 2³²). */
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0)
const SHIFT = Uint8Array.from({ length: 64 }, (_, i) => [[7, 12, 17, 22], [5, 9, 14, 20], [4, 11, 16, 23], [6, 10, 15, 21]][i >> 4]![i & 3]!)

/** MD5 of `bytes` as 32 lower-case hexadecimal digits. */
export function md5Hex(bytes: Uint8Array): string {
  return new Md5().update(bytes).digestHex()
}

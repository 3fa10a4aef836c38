/** CRC-32 (IEEE 802.3, the polynomial zip uses), computed incrementally: `crc32(b, crc32(a))` = crc32 of a then b. */
const TABLE = (() => {
  const t = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  return t
})()

/** The CRC-32 of `bytes`, continuing from `previous` (the CRC of what came before; 0 to start). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

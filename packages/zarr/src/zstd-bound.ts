// A Zstandard frame that does not record its content size is decoded by numcodecs into a buffer that grows with the
// output, so a small frame of RLE blocks could decode to gigabytes. Its block headers bound the output without
// decoding anything: a raw or RLE block decodes to its Block_Size, a compressed block to at most 128 KiB.
const ZSTD_MAGIC = 0xfd2fb528
const MAX_BLOCK = 128 * 1024

/** The most bytes the Zstandard frames in `data` can decode to, from their block headers; undefined when malformed. */
export function zstdDecodedBound(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  let p = 0
  let total = 0
  while (p < data.length) {
    if (p + 8 > data.length) return undefined
    const magic = view.getUint32(p, true)
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      p += 8 + view.getUint32(p + 4, true) // skippable frame
      continue
    }
    if (magic !== ZSTD_MAGIC) return undefined
    const fhd = view.getUint8(p + 4)
    const single = (fhd >> 5) & 1
    const fcsFlag = fhd >> 6
    const fcsBytes = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag]!
    p += 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + fcsBytes
    for (let last = 0; !last; ) {
      if (p + 3 > data.length) return undefined
      const header = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getUint8(p + 2) << 16)
      last = header & 1
      const type = (header >> 1) & 3
      const size = header >>> 3
      if (type === 3) return undefined
      total += type === 2 ? MAX_BLOCK : size
      p += 3 + (type === 1 ? 1 : size)
    }
    if (fhd & 4) p += 4 // content checksum
  }
  return p === data.length ? total : undefined
}

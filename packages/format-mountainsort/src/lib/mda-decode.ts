// Decoding MDA values; no import of @spikes/core, so readFirings' helper thread starts quickly.

/** The values of one chunk of MDA bytes (little-endian), as a typed array indexable by element. */
export function decodeMda(bytes: Uint8Array, typeCode: number): ArrayLike<number> {
  // A copy when misaligned (sources may hand out views into shared buffers, e.g. Node's Buffer pool).
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes)
  const { buffer, byteOffset, byteLength } = aligned
  switch (typeCode) {
    case -2:
      return aligned
    case -3:
      return new Float32Array(buffer, byteOffset, byteLength / 4)
    case -4:
      return new Int16Array(buffer, byteOffset, byteLength / 2)
    case -5:
      return new Int32Array(buffer, byteOffset, byteLength / 4)
    case -6:
      return new Uint16Array(buffer, byteOffset, byteLength / 2)
    case -7:
      return new Float64Array(buffer, byteOffset, byteLength / 8)
    case -8:
      return new Uint32Array(buffer, byteOffset, byteLength / 4)
    default:
      return int64Values(new Int32Array(buffer, byteOffset, byteLength / 4))
  }
}

// int64 as doubles: exact below 2^53; larger values round, and the loader's range checks refuse them.
function int64Values(words: Int32Array): Float64Array {
  const out = new Float64Array(words.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0)
  return out
}

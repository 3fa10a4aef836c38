/** The 8-byte HDF5 format signature: \x89 H D F \r \n \x1a \n. */
export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a)

/**
 * Where the HDF5 superblock starts in `head` (0, 512, 1024, 2048, ... as the format allows for a user
 * block), or -1. Only offsets inside `head` are checked, so pass enough bytes (a detection probe gives 64 KiB).
 */
export function findHdf5Signature(head: Uint8Array): number {
  for (let offset = 0; offset + 8 <= head.length; offset = offset === 0 ? 512 : offset * 2) {
    let match = true
    for (let i = 0; i < 8; i++) {
      if (head[offset + i] !== HDF5_SIGNATURE[i]) {
        match = false
        break
      }
    }
    if (match) return offset
  }
  return -1
}

/** Candidate superblock offsets below `size` (to read 8 bytes at each when the head is not in memory). */
export function signatureOffsets(size: number): number[] {
  const out: number[] = []
  for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) out.push(offset)
  return out
}

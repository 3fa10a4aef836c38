// Zip member names from a detection probe's head, for plugins that recognise .npz and other zip-based files
// without opening them (numpy.savez writes local headers in order, so the first members' names are there).

const LOCAL_HEADER = 0x04034b50

/** Whether `head` starts with a zip local header (PK\x03\x04), as every .npz does. */
export function isZipHead(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === LOCAL_HEADER
}

/**
 * The names of the zip members whose local headers lie inside `head`, in file order. Follows zip64 sizes;
 * stops at the first header it cannot follow (a data descriptor, a header running past `head`).
 */
export function zipMemberNames(head: Uint8Array): string[] {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const decoder = new TextDecoder()
  const names: string[] = []
  let at = 0
  while (at + 30 <= head.length && dv.getUint32(at, true) === LOCAL_HEADER) {
    const flags = dv.getUint16(at + 6, true)
    let size = dv.getUint32(at + 18, true)
    const nameLength = dv.getUint16(at + 26, true)
    const extraLength = dv.getUint16(at + 28, true)
    if (at + 30 + nameLength > head.length) break
    names.push(decoder.decode(head.subarray(at + 30, at + 30 + nameLength)))
    if (size === 0xffffffff) size = zip64Size(dv, at + 30 + nameLength, extraLength) ?? -1
    // A data descriptor (sizes after the data) or an unreadable zip64 size: the next header cannot be found.
    if (flags & 0x08 || size < 0) break
    at += 30 + nameLength + extraLength + size
  }
  return names
}

function zip64Size(dv: DataView, extraStart: number, extraLength: number): number | undefined {
  let at = extraStart
  while (at + 4 <= extraStart + extraLength && at + 4 <= dv.byteLength) {
    const id = dv.getUint16(at, true)
    const len = dv.getUint16(at + 2, true)
    if (id === 0x0001 && len >= 16 && at + 20 <= dv.byteLength) {
      const compressed = dv.getBigUint64(at + 12, true)
      return compressed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(compressed) : undefined
    }
    at += 4 + len
  }
  return undefined
}

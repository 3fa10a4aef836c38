import { describe, expect, it } from 'vitest'
import { isZipHead, zipMemberNames } from '../src/loader-utils.js'

/** A stored zip local header for `name` with `size` data bytes (a zip64 extra field when `zip64`). */
function member(name: string, size: number, { zip64 = false, descriptor = false } = {}): Uint8Array {
  const nameBytes = new TextEncoder().encode(name)
  const extra = zip64 ? 20 : 0
  const out = new Uint8Array(30 + nameBytes.length + extra + size)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, 0x04034b50, true)
  dv.setUint16(6, descriptor ? 0x08 : 0, true)
  dv.setUint32(18, zip64 ? 0xffffffff : size, true)
  dv.setUint16(26, nameBytes.length, true)
  dv.setUint16(28, extra, true)
  out.set(nameBytes, 30)
  if (zip64) {
    dv.setUint16(30 + nameBytes.length, 0x0001, true)
    dv.setUint16(32 + nameBytes.length, 16, true)
    dv.setBigUint64(42 + nameBytes.length, BigInt(size), true)
  }
  return out
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))

describe('zipMemberNames (detection help)', () => {
  it('lists the members whose local headers are in the head, following zip64 sizes', () => {
    const head = concat(member('units.npy', 7), member('fs.npy', 3, { zip64: true }), member('last.npy', 0))
    expect(isZipHead(head)).toBe(true)
    expect(zipMemberNames(head)).toEqual(['units.npy', 'fs.npy', 'last.npy'])
  })

  it('stops at a data descriptor, at a header cut by the end of the head, and on no zip at all', () => {
    expect(zipMemberNames(concat(member('a.npy', 4, { descriptor: true }), member('b.npy', 1)))).toEqual(['a.npy'])
    expect(zipMemberNames(concat(member('a.npy', 2), member('bbbbbbbb.npy', 1).subarray(0, 34)))).toEqual(['a.npy'])
    expect(isZipHead(new TextEncoder().encode('not a zip'))).toBe(false)
    expect(zipMemberNames(new TextEncoder().encode('not a zip at all, longer than thirty bytes'))).toEqual([])
  })
})

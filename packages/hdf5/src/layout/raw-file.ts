// Reads the bytes of an open HDF5 file around h5wasm, to check chunks before HDF5 decodes them (see check-chunks.ts).
// Only the superblock fields that size addresses are parsed here; everything else stays with HDF5.

/** Reads `length` bytes at absolute `offset` of the file (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Uint8Array

/** The layout facts of a file that every structure read needs. */
export interface RawFile {
  readonly read: ReadAt
  /** Absolute offset that file addresses are relative to (the superblock's base address). */
  readonly base: number
  /** Bytes of an address ("size of offsets") and of a length ("size of lengths"). */
  readonly offsetSize: number
  readonly lengthSize: number
  /** File size in bytes, when known. */
  readonly size: number | undefined
}

/** An unsigned little-endian integer of `bytes` (1..8) bytes; undefined for the all-ones "undefined address". */
export function uint(view: DataView, at: number, bytes: number): number | undefined {
  let value = 0
  let ones = true
  for (let i = bytes - 1; i >= 0; i--) {
    const b = view.getUint8(at + i)
    if (b !== 0xff) ones = false
    value = value * 256 + b
  }
  return ones && bytes > 1 ? undefined : value
}

/** A structure-reading failure: the caller falls back to letting HDF5 read the dataset unchecked. */
export class LayoutUnreadable extends Error {}

/** Exactly `length` bytes at `offset`, or LayoutUnreadable. */
export function readExact(file: RawFile, offset: number, length: number): DataView {
  if (!(Number.isSafeInteger(offset) && offset >= 0 && length >= 0) || (file.size !== undefined && offset + length > file.size)) throw new LayoutUnreadable(`bytes ${offset}+${length} lie outside the file`)
  const bytes = file.read(offset, length)
  if (bytes.length < length) throw new LayoutUnreadable(`the file ends before ${offset + length}`)
  return new DataView(bytes.buffer, bytes.byteOffset, length)
}

/** The superblock at `signatureAt` (versions 0 to 3): address sizes and the base address. */
export function openRawFile(read: ReadAt, signatureAt: number, size: number | undefined): RawFile {
  const probe: RawFile = { read, base: 0, offsetSize: 8, lengthSize: 8, size }
  const head = readExact(probe, signatureAt, 48)
  const version = head.getUint8(8)
  let offsetSize: number
  let lengthSize: number
  let baseAt: number
  if (version === 0 || version === 1) {
    offsetSize = head.getUint8(13)
    lengthSize = head.getUint8(14)
    baseAt = version === 0 ? 24 : 28
  } else if (version === 2 || version === 3) {
    offsetSize = head.getUint8(9)
    lengthSize = head.getUint8(10)
    baseAt = 12
  } else {
    throw new LayoutUnreadable(`superblock version ${version}`)
  }
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) throw new LayoutUnreadable(`address sizes ${offsetSize}/${lengthSize}`)
  const base = uint(head, baseAt, offsetSize) ?? signatureAt
  return { read, base, offsetSize, lengthSize, size }
}

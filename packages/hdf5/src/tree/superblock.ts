import { LayoutUnreadable, openRawFile, readExact, uint, type RawFile } from '../layout/raw-file.js'
import { findHdf5Signature, signatureOffsets } from '../signature.js'
import { TreeUnsupported } from './signals.js'

/** The file's layout facts and the root group's object header address (relative to the base address). */
export function readSuperblock(read: RawFile['read'], signatureAt: number, size: number): { file: RawFile; root: number } {
  const file = openRawFile(read, signatureAt, size)
  const version = readExact(file, signatureAt, 9).getUint8(8)
  const O = file.offsetSize
  let root: number | undefined
  if (version === 0 || version === 1) {
    // Version 0/1: fixed fields, then base, free-space, end-of-file and driver addresses, then the root's symbol table entry.
    const entry = signatureAt + (version === 0 ? 24 : 28) + 4 * O
    root = uint(readExact(file, entry, 2 * O), O, O)
  } else {
    root = uint(readExact(file, signatureAt + 12 + 3 * O, O), 0, O)
  }
  if (root === undefined) throw new LayoutUnreadable('undefined root group address')
  // The end-of-file address (as writers store it, counted from the file's start): a shorter file is truncated.
  const eofAt = version === 0 || version === 1 ? signatureAt + (version === 0 ? 24 : 28) + 2 * O : signatureAt + 12 + 2 * O
  const eof = uint(readExact(file, eofAt, O), 0, O)
  if (eof === undefined || eof > size) throw new LayoutUnreadable(`the file is ${size} bytes, its superblock says ${eof ?? 'undefined'}`)
  return { file, root }
}

/** Where the HDF5 signature is: offset 0, else 512, 1024, 2048, ... (after a user block); none is TreeUnsupported. */
export function findSignature(read: RawFile['read'], size: number): number {
  for (const offset of signatureOffsets(size)) {
    const head = read(offset, 8)
    if (head.length === 8 && findHdf5Signature(head) === 0) return offset
  }
  throw new TreeUnsupported('a file without an HDF5 signature')
}

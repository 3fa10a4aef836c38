import { CorruptFileError, UnsupportedError, type ByteSource } from '@spikes/core'
import { parseDescr, type NpyDtype } from './dtype.js'
import { isPyTuple, parsePyLiteral, PyLiteralError, type PyLiteral } from './py-literal.js'

/** The parsed header of an .npy file (or npz member). */
export interface NpyHeader {
  /** Format version [major, minor]: 1.0, 2.0 or 3.0. */
  readonly version: readonly [number, number]
  readonly dtype: NpyDtype
  readonly shape: readonly number[]
  readonly fortranOrder: boolean
  /** Byte offset of the first data byte (header length included). */
  readonly dataOffset: number
  /** Element count (product of the shape). */
  readonly count: number
  /** Bytes of data the header promises (count * itemsize; 0 for object arrays, whose size is the pickle's). */
  readonly dataBytes: number
  /** The header dictionary as text, for diagnostics. */
  readonly headerText: string
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
/** Upper bound for a header; numpy itself refuses more than 10000 bytes unless told otherwise. */
export const MAX_HEADER_BYTES = 1024 * 1024

/**
 * Total header length (magic + length field + dict) as far as `prefix` tells: a value larger than
 * `prefix.length` means more bytes are needed (12 when even the length field is incomplete).
 */
export function npyHeaderLength(prefix: Uint8Array, name: string): number {
  for (let i = 0; i < Math.min(6, prefix.length); i++) {
    if (prefix[i] !== MAGIC[i]) throw new CorruptFileError(`${name} is not a NumPy .npy file: it does not start with the \\x93NUMPY magic string.`, { file: name })
  }
  if (prefix.length < 10) return 12
  const major = prefix[6]
  if (major === 1) return 10 + (prefix[8] | (prefix[9] << 8))
  if (major === 2 || major === 3) {
    if (prefix.length < 12) return 12
    const len = (prefix[8] | (prefix[9] << 8) | (prefix[10] << 16)) + prefix[11] * 2 ** 24
    if (len > MAX_HEADER_BYTES) throw new UnsupportedError('npy-header-size', `${name}: the .npy header claims ${len} bytes; this reader accepts headers up to ${MAX_HEADER_BYTES} bytes.`, { file: name, headerBytes: len })
    return 12 + len
  }
  throw new UnsupportedError('npy-version', `${name}: .npy format version ${major}.${prefix[7]} is not supported (versions 1.0, 2.0 and 3.0 are).`, { file: name, version: `${major}.${prefix[7]}` })
}

/** Parses the header from bytes that start at the file's first byte and hold the whole header. */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const total = npyHeaderLength(bytes, name)
  if (bytes.length < total) {
    throw new CorruptFileError(`${name} ends inside the .npy header: ${bytes.length} bytes, the header needs ${total}.`, { file: name, needed: total, available: bytes.length })
  }
  const major = bytes[6]
  const start = major === 1 ? 10 : 12
  const raw = bytes.subarray(start, total)
  const text = major === 3 ? new TextDecoder('utf-8').decode(raw) : latin1(raw)
  let dict: PyLiteral
  try {
    dict = parsePyLiteral(text.replace(/[\s\0]+$/, '')).value
  } catch (error) {
    if (error instanceof PyLiteralError) throw new CorruptFileError(`${name}: the .npy header is not a Python dict literal (${error.message}).`, { file: name, header: text.slice(0, 200) })
    throw error
  }
  if (!(dict instanceof Map)) throw new CorruptFileError(`${name}: the .npy header is not a dict.`, { file: name, header: text.slice(0, 200) })
  const descr = dict.get('descr')
  const fortran = dict.get('fortran_order')
  const shapeValue = dict.get('shape')
  if (descr === undefined || typeof fortran !== 'boolean' || !isPyTuple(shapeValue)) {
    throw new CorruptFileError(`${name}: the .npy header lacks 'descr', 'fortran_order' or 'shape' (found ${[...dict.keys()].join(', ')}).`, { file: name, header: text.slice(0, 200) })
  }
  // A float literal (`200.0`) parses to the same number as `200`: the dimensions must be written as integers.
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1]
  const notInteger = shapeText?.split(',').map((d) => d.trim()).find((d) => d !== '' && !/^\d+[lL]?$/.test(d))
  if (notInteger !== undefined) {
    throw new CorruptFileError(`${name}: the .npy shape (${shapeText!.trim()}) holds ${notInteger}, not an integer; numpy writes each dimension as a non-negative integer.`, { file: name, field: 'shape', found: notInteger, expected: 'non-negative integers' })
  }
  const shape: number[] = []
  let count = 1
  for (const d of shapeValue) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new CorruptFileError(`${name}: the .npy shape (${shapeValue.join(', ')}) holds a dimension that is not a non-negative integer.`, { file: name })
    shape.push(d)
    count *= d
  }
  if (!Number.isSafeInteger(count)) throw new CorruptFileError(`${name}: the .npy shape (${shape.join(', ')}) has more than 2^53 elements.`, { file: name, shape })
  const dtype = parseDescr(descr)
  const dataBytes = dtype.kind === 'O' ? 0 : count * dtype.itemsize
  if (!Number.isSafeInteger(dataBytes)) throw new CorruptFileError(`${name}: the .npy shape (${shape.join(', ')}) claims more than 2^53 bytes.`, { file: name, shape })
  return { version: [major, bytes[7]], dtype, shape, fortranOrder: fortran, dataOffset: total, count, dataBytes, headerText: text.trim() }
}

function latin1(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return s
}

/** Reads and parses the header of an .npy source (at most a few KiB are read for ordinary headers). */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const size = await source.size()
  let prefix = await source.read(0, Math.min(size, 4096))
  let needed = npyHeaderLength(prefix, source.name)
  while (needed > prefix.length) {
    if (needed > size) {
      throw new CorruptFileError(`${source.name} ends inside the .npy header: the file has ${size} bytes, the header needs ${needed}.`, { file: source.name, needed, available: size })
    }
    prefix = await source.read(0, needed)
    needed = npyHeaderLength(prefix, source.name)
  }
  return parseNpyHeader(prefix, source.name)
}

/** Checks that the data the header claims fits in `available` bytes; call before allocating. */
export function checkDataSize(header: NpyHeader, available: number, name: string): void {
  if (header.dataBytes > available) {
    throw new CorruptFileError(
      `${name}: the .npy header claims shape (${header.shape.join(', ')}) of ${header.dtype.descr}, ${header.dataBytes} bytes of data, but only ${Math.max(0, available)} follow the header. The file is truncated or its header is wrong.`,
      { file: name, shape: [...header.shape], dtype: header.dtype.descr, expected: header.dataBytes, available: Math.max(0, available) },
    )
  }
}

import { InvalidArgumentError, LimitExceededError, readExactly, throwIfAborted, UnsupportedError, type ByteSource } from '@spikes/core'
import { corruptMat } from './errors.js'
import { inflateElement } from './inflate.js'
import { bytesOf, MI } from './v5-elements.js'
import { readMatrix } from './v5-matrix.js'
import type { MatValue } from './values.js'

/** Default budget for the bytes read and inflated from one file: 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
/** Bytes of a MAT-file's header (descriptive text, subsystem offset, version, byte-order mark). */
export const HEADER_BYTES = 128

/** Options of {@link readMat}. */
export interface ReadMatOptions {
  /** Bytes that may be read and inflated in all (default 1 GiB); a file needing more is a LimitExceededError naming maxBytes. */
  maxBytes?: number
  /** Keep only these top-level variables (others are still parsed in v5, never converted in v7.3). */
  variables?: readonly string[]
  signal?: AbortSignal
}

/** A MAT-file's header facts and its variables by name. */
export interface MatFile {
  /** 5 for Level 5 files (MATLAB v5, v6 and v7), 7.3 for HDF5-based ones. */
  version: 5 | 7.3
  /** The header's descriptive text ("MATLAB 5.0 MAT-file, Platform: ..., Created on: ..."). */
  description: string
  /** Byte order of a Level 5 file (v7.3: always true). */
  littleEndian: boolean
  variables: Map<string, MatValue>
  /** The name of every top-level variable in the file, in file order, also those `variables` left out. */
  names: string[]
}

/** What the 128-byte header says: Level 5 (and its byte order), v7.3 (HDF5), or neither. */
export function matHeaderKind(head: Uint8Array): { kind: 'v5'; little: boolean } | { kind: 'v7.3' } | null {
  if (head.length < HEADER_BYTES) return null
  const text = new TextDecoder('latin1').decode(head.subarray(0, 116))
  if (!text.startsWith('MATLAB')) return null
  if (/^MATLAB 7\.3 MAT-file/.test(text)) return { kind: 'v7.3' }
  if (head[126] === 0x49 && head[127] === 0x4d) return { kind: 'v5', little: true }
  if (head[126] === 0x4d && head[127] === 0x49) return { kind: 'v5', little: false }
  return null
}

/** Reads a MAT-file's variables: Level 5 element by element (each checked and inflated within the budget), v7.3 through @spikes/hdf5. */
export async function readMat(source: ByteSource, options: ReadMatOptions = {}): Promise<MatFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (!(maxBytes > 0)) throw new InvalidArgumentError('maxBytes', maxBytes, 'a positive number of bytes')
  const file = source.name
  const size = await source.size()
  if (size < HEADER_BYTES) throw corruptMat(file, `${size} bytes is shorter than the 128-byte MAT-file header.`, { size })
  const head = await readExactly(source, 0, HEADER_BYTES)
  const kind = matHeaderKind(head)
  const description = new TextDecoder('latin1').decode(head.subarray(0, 116)).replace(/[\s\0]+$/, '')
  if (kind?.kind === 'v7.3') {
    const { readMat73 } = await import('./v73.js')
    return { version: 7.3, description, littleEndian: true, ...(await readMat73(source, options)) }
  }
  if (!kind) {
    throw new UnsupportedError('mat-version', `${file} does not start with a Level 5 MAT-file header ('MATLAB 5.0 MAT-file' text and an 'IM'/'MI' byte-order mark) nor a v7.3 one; MAT v4 files and other formats are not read.`, { file })
  }
  const wanted = options.variables ? new Set(options.variables) : undefined
  const variables = new Map<string, MatValue>()
  const names: string[] = []
  let budget = maxBytes
  const spend = (bytes: number, what: string) => {
    if (bytes > budget) throw overLimit(file, maxBytes, maxBytes - budget + bytes, `${what} needs ${bytes} bytes with ${budget} left`)
    budget -= bytes
  }
  for (let at = HEADER_BYTES; at + 8 <= size; ) {
    throwIfAborted(options.signal, `Reading ${file}`)
    const tagBytes = await readExactly(source, at, 8)
    const tagView = new DataView(tagBytes.buffer, tagBytes.byteOffset, 8)
    const type = tagView.getUint32(0, kind.little)
    const length = tagView.getUint32(4, kind.little)
    if (length > size - at - 8) throw corruptMat(file, `the top-level element at byte ${at} claims ${length} bytes, but the file ends ${size - at - 8} bytes later. The file is truncated.`, { offset: at, size: length })
    const next = at + 8 + (type === MI.COMPRESSED ? length : Math.ceil(length / 8) * 8)
    if (type === MI.COMPRESSED || type === MI.MATRIX) {
      spend(length, `the element at byte ${at}`)
      let data = await readExactly(source, at + 8, length)
      if (type === MI.COMPRESSED) {
        const left = budget
        const overBudget = (claimed: number) => overLimit(file, maxBytes, maxBytes - left + claimed, `the compressed element at byte ${at} claims ${claimed} bytes with ${left} left`)
        data = inflateElement(data, { file, offset: at, little: kind.little, budget: left, overBudget })
        spend(data.length, `the compressed element at byte ${at}`)
      }
      const b = bytesOf(data, kind.little, file)
      const tag = type === MI.COMPRESSED ? readTagOf(b) : { type: MI.MATRIX, size: data.length, start: 0, next: data.length }
      if (tag && tag.type === MI.MATRIX) {
        const { name, value } = readMatrix(b, tag)
        if (name !== '') names.push(name)
        if (name !== '' && (!wanted || wanted.has(name))) variables.set(name, value)
      }
    }
    at = next
  }
  return { version: 5, description, littleEndian: kind.little, variables, names }
}

function overLimit(file: string, maxBytes: number, actual: number, what: string): LimitExceededError {
  return new LimitExceededError(`${file}: ${what}, beyond the read limit of ${maxBytes} bytes; raise maxBytes.`, { limit: maxBytes, actual, what: 'element', option: 'maxBytes', file })
}

function readTagOf(b: ReturnType<typeof bytesOf>) {
  if (b.bytes.length < 8) throw corruptMat(b.file, `a compressed element inflates to ${b.bytes.length} bytes, too few for a data element.`)
  const type = b.view.getUint32(0, b.little)
  const size = b.view.getUint32(4, b.little)
  if (size > b.bytes.length - 8) throw corruptMat(b.file, `a compressed element holds a ${size}-byte element in ${b.bytes.length - 8} bytes.`, { size })
  return { type, size, start: 8, next: 8 + size }
}

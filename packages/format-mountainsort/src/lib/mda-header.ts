import { CorruptFileError, readExactly, UnsupportedError, type ByteSource } from '@spikes/core'

/** MDA element types by their (negative) type code, as mdaio writes them. */
export const MDA_TYPES: Readonly<Record<number, { readonly name: string; readonly bytes: number }>> = {
  [-2]: { name: 'uint8', bytes: 1 },
  [-3]: { name: 'float32', bytes: 4 },
  [-4]: { name: 'int16', bytes: 2 },
  [-5]: { name: 'int32', bytes: 4 },
  [-6]: { name: 'uint16', bytes: 2 },
  [-7]: { name: 'float64', bytes: 8 },
  [-8]: { name: 'uint32', bytes: 4 },
  [-9]: { name: 'int64', bytes: 8 },
}

/** What the header of an .mda file says, checked against the file's size. */
export interface MdaHeader {
  readonly typeCode: number
  readonly dtype: string
  readonly bytesPerValue: number
  /** Dimensions as stored (column-major: the first varies fastest). */
  readonly dims: readonly number[]
  /** Byte offset of the first value. */
  readonly dataOffset: number
  /** dataOffset + product(dims) * bytesPerValue. */
  readonly dataEnd: number
}

const MAX_DIMS = 50

/**
 * Reads and checks an MDA header: int32 type code, int32 bytes per value, int32 number of dimensions
 * (negative: the dimensions are int64), then the dimensions. Every size is checked against the bytes
 * present before the caller allocates anything.
 */
export async function readMdaHeader(source: ByteSource, file: string): Promise<MdaHeader> {
  const size = await source.size()
  if (size < 12) throw new CorruptFileError(`${file} is ${size} bytes long; an MDA header needs at least 12 (type code, bytes per value, number of dimensions).`, { file, size })
  const head = viewOf(await readExactly(source, 0, 12))
  const typeCode = head.getInt32(0, true)
  const bytesPerValue = head.getInt32(4, true)
  const nd = head.getInt32(8, true)
  const type = MDA_TYPES[typeCode]
  if (!type) {
    if (typeCode === -1) throw new UnsupportedError('mda-complex', `${file} holds complex float32 values (MDA type code -1); firings files hold real numbers.`, { file, typeCode })
    throw new CorruptFileError(`${file} starts with MDA type code ${typeCode}; the known codes are -2 to -9. It is not an MDA file, or it is damaged.`, { file, typeCode })
  }
  if (bytesPerValue !== type.bytes) {
    throw new CorruptFileError(`${file}: type code ${typeCode} (${type.name}) has ${type.bytes} bytes per value, but the header says ${bytesPerValue}.`, { file, typeCode, bytesPerValue })
  }
  const ndims = Math.abs(nd)
  if (nd === 0 || ndims > MAX_DIMS) throw new CorruptFileError(`${file}: the MDA header gives ${nd} dimensions; 1 to ${MAX_DIMS} (negative for int64 dimensions) were expected.`, { file, ndims: nd })
  const dimBytes = nd < 0 ? 8 : 4
  const dataOffset = 12 + ndims * dimBytes
  if (dataOffset > size) throw new CorruptFileError(`${file} is ${size} bytes long, shorter than its ${dataOffset}-byte MDA header.`, { file, size, headerBytes: dataOffset })
  const view = viewOf(await readExactly(source, 12, ndims * dimBytes))
  const dims: number[] = []
  let count = 1
  for (let i = 0; i < ndims; i++) {
    const d = dimBytes === 4 ? view.getInt32(i * 4, true) : Number(view.getBigInt64(i * 8, true))
    if (!Number.isSafeInteger(d) || d < 0) throw new CorruptFileError(`${file}: MDA dimension ${i + 1} is ${d}; dimensions are non-negative integers.`, { file, dimension: i + 1, value: d })
    dims.push(d)
    count *= d
  }
  const dataEnd = dataOffset + count * type.bytes
  if (!Number.isSafeInteger(dataEnd) || dataEnd > size) {
    throw new CorruptFileError(`${file}: the MDA header describes ${dims.join(' x ')} ${type.name} values (${count * type.bytes} bytes), but only ${size - dataOffset} bytes follow the header. The file is truncated.`, {
      file,
      dims,
      dtype: type.name,
      size,
    })
  }
  return { typeCode, dtype: type.name, bytesPerValue: type.bytes, dims, dataOffset, dataEnd }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

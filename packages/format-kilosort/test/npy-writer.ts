import { npyFile } from '@spikes/testing'

/** A minimal .npy writer for tests (format 1.0). `data` is written as given, in the dtype's byte order. */
export function npy(descr: string, shape: number[], data: ArrayLike<number> | bigint[] | Uint8Array, options: { fortran?: boolean; raw?: boolean } = {}): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  return npyFile(dict, options.raw ? (data as Uint8Array) : encode(descr, data))
}

function encode(descr: string, data: ArrayLike<number> | bigint[]): Uint8Array {
  const little = !descr.startsWith('>')
  const kind = descr.slice(1)
  const size = Number(kind.slice(1))
  const n = data.length
  const buf = new DataView(new ArrayBuffer(n * size))
  for (let i = 0; i < n; i++) {
    const v = data[i] as number | bigint
    const at = i * size
    switch (kind) {
      case 'u8': buf.setBigUint64(at, BigInt(v), little); break
      case 'i8': buf.setBigInt64(at, BigInt(v), little); break
      case 'u4': buf.setUint32(at, Number(v), little); break
      case 'i4': buf.setInt32(at, Number(v), little); break
      case 'i2': buf.setInt16(at, Number(v), little); break
      case 'f8': buf.setFloat64(at, Number(v), little); break
      case 'f4': buf.setFloat32(at, Number(v), little); break
      default: throw new Error(`npy writer: ${descr}`)
    }
  }
  return new Uint8Array(buf.buffer)
}

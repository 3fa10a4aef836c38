import { npyFile } from '@spikes/testing'

/** Writes .npy (format 1.0) bytes for test fixtures. */
export type NpyDescr = '<f8' | '<f4' | '<i8' | '<i4' | '<u4' | '<u8' | '<i2' | '|u1' | `<U${number}`

export function npyBytes(descr: NpyDescr, shape: number[], values: ArrayLike<number> | readonly string[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1)
  let body: Uint8Array
  if (descr.startsWith('<U')) {
    const width = Number(descr.slice(2))
    body = new Uint8Array(count * width * 4)
    const dv = new DataView(body.buffer)
    for (let i = 0; i < count; i++) {
      const s = String((values as readonly string[])[i])
      for (let k = 0; k < Math.min(width, s.length); k++) dv.setUint32((i * width + k) * 4, s.codePointAt(k)!, true)
    }
  } else {
    const size = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4, '<u4': 4, '<u8': 8, '<i2': 2, '|u1': 1 }[descr as '<f8']
    body = new Uint8Array(count * size)
    const dv = new DataView(body.buffer)
    const v = values as ArrayLike<number>
    for (let i = 0; i < count; i++) {
      const x = v[i]
      if (descr === '<f8') dv.setFloat64(i * 8, x, true)
      else if (descr === '<f4') dv.setFloat32(i * 4, x, true)
      else if (descr === '<i8') dv.setBigInt64(i * 8, BigInt(x), true)
      else if (descr === '<u8') dv.setBigUint64(i * 8, BigInt(x), true)
      else if (descr === '<i4') dv.setInt32(i * 4, x, true)
      else if (descr === '<u4') dv.setUint32(i * 4, x, true)
      else if (descr === '<i2') dv.setInt16(i * 2, x, true)
      else dv.setUint8(i, x)
    }
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  return npyFile(`{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`, body)
}

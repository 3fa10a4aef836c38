import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'

/** A test-only Zarr v2 reader (independent of the writer): metadata and whole arrays. */
export function readZarrJson(root: string, path: string): any {
  return JSON.parse(readFileSync(join(root, path), 'utf8'))
}

export function readZarrArray(root: string, name: string): { shape: number[]; dtype: string; data: ArrayLike<number | bigint> } {
  const meta = readZarrJson(root, `${name}/.zarray`)
  const Type: any = { '<i2': Int16Array, '<f4': Float32Array, '<f8': Float64Array, '<i8': BigInt64Array, '<i4': Int32Array, '<u2': Uint16Array, '|u1': Uint8Array }[meta.dtype as string]
  if (!Type) throw new Error(`dtype ${meta.dtype}`)
  const shape: number[] = meta.shape
  const chunks: number[] = meta.chunks
  const total = shape.reduce((a, b) => a * b, 1)
  const out = new Type(total)
  const grid = shape.map((s, i) => Math.ceil(s / chunks[i]))
  const chunkElems = chunks.reduce((a, b) => a * b, 1)
  const visit = (idx: number[]) => {
    const file = join(root, name, idx.join('.'))
    if (!existsSync(file)) return
    let bytes: Uint8Array = readFileSync(file)
    if (meta.compressor?.id === 'zlib') bytes = inflateSync(bytes)
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    const chunk = new Type(copy.buffer, 0, chunkElems)
    if (shape.length === 1) {
      const start = idx[0] * chunks[0]
      for (let k = 0; k < chunks[0] && start + k < shape[0]; k++) out[start + k] = chunk[k]
    } else {
      const r0 = idx[0] * chunks[0]
      const c0 = idx[1] * chunks[1]
      for (let r = 0; r < chunks[0] && r0 + r < shape[0]; r++) for (let c = 0; c < chunks[1] && c0 + c < shape[1]; c++) out[(r0 + r) * shape[1] + c0 + c] = chunk[r * chunks[1] + c]
    }
  }
  if (shape.length === 1) for (let i = 0; i < grid[0]; i++) visit([i])
  else for (let i = 0; i < grid[0]; i++) for (let j = 0; j < grid[1]; j++) visit([i, j])
  return { shape, dtype: meta.dtype, data: out }
}

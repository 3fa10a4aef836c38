// Writers for the small test files of sorter formats (MountainSort .mda, Klusters .res/.clu, Open Ephys .spikes).

const MDA_CODES = { uint8: -2, float32: -3, int16: -4, int32: -5, uint16: -6, float64: -7, uint32: -8, int64: -9 } as const
const MDA_BYTES = { uint8: 1, float32: 4, int16: 2, int32: 4, uint16: 2, float64: 8, uint32: 4, int64: 8 } as const

/** An .mda array: header (type code, bytes per value, dimension count, dimensions) then `values` in column-major order. */
export function mdaFile(dtype: keyof typeof MDA_CODES, dims: readonly number[], values: ArrayLike<number>, options: { int64Dims?: boolean } = {}): Uint8Array {
  const dimBytes = options.int64Dims ? 8 : 4
  const headerBytes = 12 + dims.length * dimBytes
  const out = new Uint8Array(headerBytes + values.length * MDA_BYTES[dtype])
  const view = new DataView(out.buffer)
  view.setInt32(0, MDA_CODES[dtype], true)
  view.setInt32(4, MDA_BYTES[dtype], true)
  view.setInt32(8, options.int64Dims ? -dims.length : dims.length, true)
  dims.forEach((d, i) => (options.int64Dims ? view.setBigInt64(12 + i * 8, BigInt(d), true) : view.setInt32(12 + i * 4, d, true)))
  const set: Record<keyof typeof MDA_CODES, (at: number, v: number) => void> = {
    uint8: (at, v) => view.setUint8(at, v),
    float32: (at, v) => view.setFloat32(at, v, true),
    int16: (at, v) => view.setInt16(at, v, true),
    int32: (at, v) => view.setInt32(at, v, true),
    uint16: (at, v) => view.setUint16(at, v, true),
    float64: (at, v) => view.setFloat64(at, v, true),
    uint32: (at, v) => view.setUint32(at, v, true),
    int64: (at, v) => view.setBigInt64(at, BigInt(v), true),
  }
  for (let i = 0; i < values.length; i++) set[dtype](headerBytes + i * MDA_BYTES[dtype], values[i])
  return out
}

/** A MountainSort firings array (rows channel, time, label, then extra rows) from one record per event. */
export function firingsMda(events: readonly (readonly number[])[], dtype: keyof typeof MDA_CODES = 'float64'): Uint8Array {
  const rows = events[0]?.length ?? 3
  return mdaFile(dtype, [rows, events.length], events.flat())
}

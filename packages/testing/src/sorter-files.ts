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

/** One spike of a legacy Open Ephys .spikes file. */
export interface LegacySpikeRecord {
  timestamp: number
  sortedId?: number
  electrodeId?: number
  recording?: number
}

/**
 * A legacy Open Ephys .spikes file: the 1,024-byte text header, then one fixed record per spike
 * (uint8 eventType, int64 timestamp, int64 software timestamp, 6 uint16, 3 uint8 colour, 2 float32,
 * uint16 sampling rate, channels x samples uint16, channels float32 gains, channels uint16 thresholds, uint16 recording).
 */
export function openEphysSpikesFile(options: { electrode: string; channels?: number; samplesPerSpike?: number; sampleRate?: number; records: LegacySpikeRecord[]; headerLines?: string[] }): Uint8Array {
  const n = options.channels ?? 2
  const m = options.samplesPerSpike ?? 4
  const rate = options.sampleRate ?? 30000
  const lines = options.headerLines ?? [
    "header.format = 'Open Ephys Data Format'; ",
    'header.version = 0.4; ',
    'header.header_bytes = 1024;',
    `header.electrode = '${options.electrode}';`,
    `header.num_channels = ${n};`,
    `header.sampleRate = ${rate};`,
    `header.samplesPerSpike = ${m};`,
  ]
  const header = new TextEncoder().encode(lines.join('\n') + '\n')
  const recordBytes = 42 + 2 * n * m + 6 * n + 2
  const out = new Uint8Array(1024 + recordBytes * options.records.length)
  out.fill(0x20, 0, 1024)
  out.set(header.subarray(0, 1024), 0)
  const view = new DataView(out.buffer)
  options.records.forEach((r, i) => {
    const at = 1024 + i * recordBytes
    view.setUint8(at, 4)
    view.setBigInt64(at + 1, BigInt(r.timestamp), true)
    view.setBigInt64(at + 9, BigInt(r.timestamp * 10), true)
    view.setUint16(at + 17, 104, true)
    view.setUint16(at + 19, n, true)
    view.setUint16(at + 21, m, true)
    view.setUint16(at + 23, r.sortedId ?? 0, true)
    view.setUint16(at + 25, r.electrodeId ?? 0, true)
    view.setUint16(at + 40, Math.min(rate, 65535), true)
    view.setUint16(at + recordBytes - 2, r.recording ?? 0, true)
  })
  return out
}

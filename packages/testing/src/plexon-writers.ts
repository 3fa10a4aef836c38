// Writers of Plexon .plx and NeuroExplorer .nex / .nex5 files, from the published layouts (Plexon's
// "Plexon.h" structures: a 7,504-byte file header, 1,020-byte spike channel headers, 296-byte event and
// slow channel headers, 16-byte data block headers; NeuroExplorer's NEX1 544/208-byte and NEX5
// 356/244-byte headers). Little endian throughout. For tests, fuzz seeds and benchmarks.
import { concatBytes } from '@spikes/core/loader-utils'

/** One spike of a .plx file: 1-based channel, unit (0 = unsorted), 40-bit timestamp in ticks. */
export interface PlxSpike {
  channel: number
  unit: number
  ticks: number
}

export interface PlxFile {
  /** Timestamp frequency (ADFrequency), Hz. */
  frequency: number
  /** Spike channel names, channel i + 1 first. */
  channels: string[]
  spikes: PlxSpike[]
  /** Samples per waveform (each spike block carries one waveform of this many int16). */
  pointsPerWave?: number
  version?: number
  comment?: string
  /** Event timestamps (ticks) on event channel 257, written between the spikes. */
  events?: number[]
}

function ascii(view: DataView, at: number, text: string, width: number): void {
  for (let i = 0; i < Math.min(text.length, width - 1); i++) view.setUint8(at + i, text.charCodeAt(i) & 0x7f)
}

/** The file header and channel headers of a .plx file; `nSpikes` of blocks follow, written by plxBlock. */
export function plxHeader(file: Omit<PlxFile, 'spikes'>, lastTicks = 0): Uint8Array {
  const nChannels = file.channels.length
  const nEvents = file.events?.length ? 1 : 0
  const bytes = new Uint8Array(7504 + nChannels * 1020 + nEvents * 296)
  const v = new DataView(bytes.buffer)
  v.setUint32(0, 0x58454c50, true)
  v.setInt32(4, file.version ?? 106, true)
  ascii(v, 8, file.comment ?? 'spikes test file', 128)
  v.setInt32(136, file.frequency, true)
  v.setInt32(140, nChannels, true)
  v.setInt32(144, nEvents, true)
  v.setInt32(148, 0, true)
  v.setInt32(152, file.pointsPerWave ?? 32, true)
  v.setInt32(156, 8, true)
  ;[2024, 3, 5, 10, 30, 0].forEach((n, i) => v.setInt32(160 + 4 * i, n, true))
  v.setInt32(188, file.frequency, true)
  v.setFloat64(192, lastTicks, true)
  v.setUint8(200, 1)
  v.setUint8(201, 1)
  v.setUint8(202, 12)
  v.setUint8(203, 12)
  ascii(v, 210, 'spikes-writer', 18)
  file.channels.forEach((name, i) => {
    const at = 7504 + i * 1020
    ascii(v, at, name, 32)
    ascii(v, at + 32, `sig${String(i + 1).padStart(3, '0')}`, 32)
    v.setInt32(at + 64, i + 1, true)
    v.setInt32(at + 68, file.frequency, true)
    v.setInt32(at + 72, i + 1, true)
  })
  if (nEvents) {
    const at = 7504 + nChannels * 1020
    ascii(v, at, 'Strobed', 32)
    v.setInt32(at + 32, 257, true)
  }
  return bytes
}

/** One 16-byte data block header plus its waveform (type 1 spike, 4 event). */
export function plxBlock(type: number, channel: number, unit: number, ticks: number, pointsPerWave: number): Uint8Array {
  const waves = type === 1 ? 1 : 0
  const bytes = new Uint8Array(16 + waves * pointsPerWave * 2)
  const v = new DataView(bytes.buffer)
  v.setInt16(0, type, true)
  v.setUint16(2, Math.floor(ticks / 2 ** 32), true)
  v.setUint32(4, ticks % 2 ** 32, true)
  v.setInt16(8, channel, true)
  v.setInt16(10, unit, true)
  v.setInt16(12, waves, true)
  v.setInt16(14, waves ? pointsPerWave : 0, true)
  for (let k = 0; k < waves * pointsPerWave; k++) v.setInt16(16 + 2 * k, (k * 37 + ticks) % 2000 - 1000, true)
  return bytes
}

/** A whole .plx file in memory (small files: tests and fuzz seeds). */
export function writePlx(file: PlxFile): Uint8Array {
  const points = file.pointsPerWave ?? 32
  // A loop, not Math.max(...spread): a spread of 100k+ arguments overflows the call stack.
  let last = 0
  for (const s of file.spikes) if (s.ticks > last) last = s.ticks
  for (const e of file.events ?? []) if (e > last) last = e
  const parts = [plxHeader(file, last)]
  const events = [...(file.events ?? [])]
  for (const s of file.spikes) {
    while (events.length && events[0] <= s.ticks) parts.push(plxBlock(4, 257, 0, events.shift()!, points))
    parts.push(plxBlock(1, s.channel, s.unit, s.ticks, points))
  }
  for (const e of events) parts.push(plxBlock(4, 257, 0, e, points))
  return concatBytes(parts)
}

/** A NeuroExplorer variable: neurons (type 0) and events (type 1) hold timestamps in ticks. */
export interface NexVariable {
  type: number
  name: string
  ticks: number[]
  wire?: number
  unit?: number
}

export interface NexFile {
  frequency: number
  begTicks?: number
  endTicks: number
  variables: NexVariable[]
  comment?: string
}

/** A NEX1 (.nex) file: 544-byte header, 208-byte variable headers, int32 timestamps. */
export function writeNex(file: NexFile): Uint8Array {
  const n = file.variables.length
  const dataStart = 544 + 208 * n
  const total = dataStart + file.variables.reduce((s, v) => s + 4 * v.ticks.length, 0)
  const bytes = new Uint8Array(total)
  const v = new DataView(bytes.buffer)
  v.setInt32(0, 827868494, true)
  v.setInt32(4, 104, true)
  ascii(v, 8, file.comment ?? 'spikes test file', 256)
  v.setFloat64(264, file.frequency, true)
  v.setInt32(272, file.begTicks ?? 0, true)
  v.setInt32(276, file.endTicks, true)
  v.setInt32(280, n, true)
  let data = dataStart
  file.variables.forEach((variable, i) => {
    const at = 544 + 208 * i
    v.setInt32(at, variable.type, true)
    v.setInt32(at + 4, 100, true)
    ascii(v, at + 8, variable.name, 64)
    v.setInt32(at + 72, data, true)
    v.setInt32(at + 76, variable.ticks.length, true)
    v.setInt32(at + 80, variable.wire ?? 0, true)
    v.setInt32(at + 84, variable.unit ?? 0, true)
    variable.ticks.forEach((t, k) => v.setInt32(data + 4 * k, t, true))
    data += 4 * variable.ticks.length
  })
  return bytes
}

/** A NEX5 (.nex5) file: 356-byte header, 244-byte variable headers, int64 (or int32) timestamps. */
export function writeNex5(file: NexFile & { int32Timestamps?: boolean }): Uint8Array {
  const n = file.variables.length
  const width = file.int32Timestamps ? 4 : 8
  const dataStart = 356 + 244 * n
  const total = dataStart + file.variables.reduce((s, v) => s + width * v.ticks.length, 0)
  const bytes = new Uint8Array(total)
  const v = new DataView(bytes.buffer)
  v.setInt32(0, 0x3558454e, true)
  v.setInt32(4, 501, true)
  ascii(v, 8, file.comment ?? 'spikes test file', 256)
  v.setFloat64(264, file.frequency, true)
  v.setBigInt64(272, BigInt(file.begTicks ?? 0), true)
  v.setInt32(280, n, true)
  v.setBigUint64(284, 0n, true)
  v.setBigInt64(292, BigInt(file.endTicks), true)
  let data = dataStart
  file.variables.forEach((variable, i) => {
    const at = 356 + 244 * i
    v.setInt32(at, variable.type, true)
    v.setInt32(at + 4, 500, true)
    ascii(v, at + 8, variable.name, 64)
    v.setBigUint64(at + 72, BigInt(data), true)
    v.setBigUint64(at + 80, BigInt(variable.ticks.length), true)
    v.setInt32(at + 88, file.int32Timestamps ? 0 : 1, true)
    variable.ticks.forEach((t, k) => (file.int32Timestamps ? v.setInt32(data + 4 * k, t, true) : v.setBigInt64(data + 8 * k, BigInt(t), true)))
    data += width * variable.ticks.length
  })
  return bytes
}

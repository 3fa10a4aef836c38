import { CorruptFileError, readExactly, type ByteSource } from '@spikes/core'
import { fixedText, viewOf } from './text.js'

// Layout from Plexon's published "Plexon.h" (PL_FileHeader 7,504 bytes, PL_ChanHeader 1,020 bytes,
// PL_EventHeader and PL_SlowChannelHeader 296 bytes each); offsets below are byte offsets in those structs.
export const FILE_HEADER_BYTES = 7504
export const SPIKE_CHANNEL_BYTES = 1020
export const EVENT_CHANNEL_BYTES = 296
export const SLOW_CHANNEL_BYTES = 296
/** More channel headers than any acquisition system writes; a larger count is a damaged header. */
const MAX_CHANNELS = 65536

export interface PlxChannel {
  /** 1-based DSP channel number, as the data blocks name it. */
  channel: number
  name: string
  signalName: string
  comment: string
}

export interface PlxHeader {
  version: number
  comment: string
  /** Timestamp frequency (ADFrequency), Hz. */
  frequency: number
  waveformFrequency: number
  pointsPerWave: number
  pointsPreThreshold: number
  date: string | null
  lastTimestamp: number
  acquiringSoftware?: string
  processingSoftware?: string
  trodalness?: number
  spikeChannels: PlxChannel[]
  eventChannels: string[]
  slowChannels: string[]
  /** Where the first data block starts. */
  dataStart: number
}

function count(view: DataView, at: number, what: string, file: string): number {
  const n = view.getInt32(at, true)
  if (n < 0 || n > MAX_CHANNELS) throw new CorruptFileError(`${file} claims ${n} ${what}; a .plx header holds 0 to ${MAX_CHANNELS}. The file header is damaged.`, { file, field: what, value: n })
  return n
}

function isoDate(view: DataView): string | null {
  const [y, mo, d, h, mi, s] = [160, 164, 168, 172, 176, 180].map((at) => view.getInt32(at, true))
  if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return null
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`
}

/** Reads and checks the file header and every channel header (all sizes against the file's size first). */
export async function readPlxHeader(source: ByteSource, size: number): Promise<PlxHeader> {
  const file = source.name
  if (size < FILE_HEADER_BYTES) throw new CorruptFileError(`${file} is ${size} bytes, shorter than the 7,504-byte .plx file header. The file is truncated.`, { file, size })
  const head = await readExactly(source, 0, FILE_HEADER_BYTES)
  const view = viewOf(head)
  const version = view.getInt32(4, true)
  const frequency = view.getInt32(136, true)
  if (frequency <= 0) throw new CorruptFileError(`${file} gives a timestamp frequency of ${frequency} Hz; a .plx file needs a positive one.`, { file, frequency })
  const nSpike = count(view, 140, 'spike channels', file)
  const nEvent = count(view, 144, 'event channels', file)
  const nSlow = count(view, 148, 'slow channels', file)
  const dataStart = FILE_HEADER_BYTES + nSpike * SPIKE_CHANNEL_BYTES + (nEvent + nSlow) * EVENT_CHANNEL_BYTES
  if (dataStart > size) {
    throw new CorruptFileError(`${file} declares ${nSpike} spike, ${nEvent} event and ${nSlow} slow channel headers (${dataStart} bytes), but holds ${size} bytes. The file is truncated or its header damaged.`, { file, size, needed: dataStart })
  }
  const channels = dataStart > FILE_HEADER_BYTES ? await readExactly(source, FILE_HEADER_BYTES, dataStart - FILE_HEADER_BYTES) : new Uint8Array(0)
  const cv = viewOf(channels)
  const spikeChannels: PlxChannel[] = []
  for (let i = 0; i < nSpike; i++) {
    const at = i * SPIKE_CHANNEL_BYTES
    spikeChannels.push({ channel: cv.getInt32(at + 64, true), name: fixedText(channels, at, 32), signalName: fixedText(channels, at + 32, 32), comment: fixedText(channels, at + 848, 128) })
  }
  const names = (first: number, n: number) => Array.from({ length: n }, (_, i) => fixedText(channels, first + i * EVENT_CHANNEL_BYTES, 32))
  const eventStart = nSpike * SPIKE_CHANNEL_BYTES
  return {
    version,
    comment: fixedText(head, 8, 128),
    frequency,
    waveformFrequency: view.getInt32(188, true),
    pointsPerWave: view.getInt32(152, true),
    pointsPreThreshold: view.getInt32(156, true),
    date: isoDate(view),
    lastTimestamp: view.getFloat64(192, true),
    ...(version >= 103 ? { trodalness: view.getUint8(200) } : {}),
    ...(version >= 106 ? { acquiringSoftware: fixedText(head, 210, 18), processingSoftware: fixedText(head, 228, 18) } : {}),
    spikeChannels,
    eventChannels: names(eventStart, nEvent),
    slowChannels: names(eventStart + nEvent * EVENT_CHANNEL_BYTES, nSlow),
    dataStart,
  }
}

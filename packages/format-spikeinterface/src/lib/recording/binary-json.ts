import { InvalidDataError, UnsupportedError } from '@spikes/core'

/** A numpy dtype of raw traces this package reads, and the typed array its values are held in. */
export interface TraceDtype {
  /** numpy's `dtype.str`, e.g. '<i2'. */
  readonly str: string
  readonly kind: 'i' | 'u' | 'f'
  /** Bytes per value in the file. */
  readonly itemsize: number
}

/** What binary.json says about a BinaryFolderRecording (SpikeInterface's BinaryRecordingExtractor kwargs). */
export interface BinaryDescription {
  /** Files of the segments, relative to the folder, in segment order. */
  readonly filePaths: string[]
  readonly samplingFrequency: number
  readonly numChannels: number
  readonly dtype: TraceDtype
  /** Ids of the channels (integers or strings), one per channel. */
  readonly channelIds: (number | string)[]
  /** 0: samples x channels in the file (what SpikeInterface writes); 1: channels x samples. */
  readonly timeAxis: 0 | 1
  /** Bytes before the traces in each file. */
  readonly fileOffset: number
  /** Start time in seconds of each segment, when recorded. */
  readonly tStarts: (number | null)[] | null
  /** The SpikeInterface version that wrote the file, when recorded. */
  readonly version?: string
}

const NAMES: Record<string, string> = { int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', float32: '<f4', float64: '<f8' }

/** Parses a numpy dtype string ('<i2', 'int16', '|u1'...): little-endian integers and float32/float64. */
export function parseTraceDtype(value: unknown, file: string): TraceDtype {
  if (typeof value !== 'string') throw new InvalidDataError(`${file}: kwargs.dtype is ${JSON.stringify(value)}; a numpy dtype string such as "<i2" is expected.`, { file, field: 'dtype' })
  const text = NAMES[value] ?? value
  const m = /^([<>|=]?)([iuf])([1248])$/.exec(text)
  if (!m) {
    throw new UnsupportedError('dtype', `${file}: traces of dtype ${JSON.stringify(value)} are not supported; SpikeInterface binary traces of int8/16/32/64, uint8/16/32/64, float32 or float64 are. Re-save the recording with dtype="int16" or "float32".`, { file, dtype: value })
  }
  const [, order, kind, size] = m
  const itemsize = Number(size)
  if (kind === 'f' && itemsize < 4) {
    throw new UnsupportedError('dtype', `${file}: float16 traces are not supported. Re-save the recording with dtype="float32".`, { file, dtype: value })
  }
  if (order === '>' && itemsize > 1) {
    throw new UnsupportedError('dtype', `${file}: big-endian traces (${value}) are not supported. Re-save the recording (SpikeInterface writes little-endian).`, { file, dtype: value })
  }
  return { str: `${itemsize === 1 ? '|' : '<'}${kind}${itemsize}`, kind: kind as TraceDtype['kind'], itemsize }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A path of file_paths inside the folder: relative as written, or the file name of an absolute / escaping one. */
function folderRelative(path: string): string {
  const p = path.replace(/\\/g, '/')
  const parts = p.split('/').filter((s) => s !== '' && s !== '.')
  if (p.startsWith('/') || /^[A-Za-z]:\//.test(p) || parts.includes('..')) return parts[parts.length - 1] ?? p
  return parts.join('/')
}

/** Validates binary.json: `{ class: "...BinaryRecordingExtractor", kwargs: { file_paths, sampling_frequency, num_channels, dtype, ... } }`. */
export function parseBinaryJson(value: unknown, file: string): BinaryDescription {
  if (!isObject(value)) throw new InvalidDataError(`${file} holds ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}; SpikeInterface writes an object { class, module, kwargs, ... }.`, { file })
  const cls = value.class
  if (typeof cls !== 'string' || !cls.endsWith('.BinaryRecordingExtractor')) {
    throw new InvalidDataError(`${file} describes class ${JSON.stringify(cls)}; a BinaryFolderRecording's binary.json describes a spikeinterface ...BinaryRecordingExtractor.`, { file, field: 'class', class: String(cls) })
  }
  const kwargs = value.kwargs
  if (!isObject(kwargs)) throw new InvalidDataError(`${file} has no kwargs object; SpikeInterface writes the BinaryRecordingExtractor arguments there.`, { file, field: 'kwargs' })
  const field = (name: string, expected: string): InvalidDataError => new InvalidDataError(`${file}: kwargs.${name} is ${JSON.stringify(kwargs[name]) ?? 'missing'}; ${expected}.`, { file, field: name })

  const rawPaths = kwargs.file_paths
  const paths = typeof rawPaths === 'string' ? [rawPaths] : rawPaths
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) throw field('file_paths', 'a non-empty list of file paths, one per segment, is expected')

  const fs = kwargs.sampling_frequency
  if (typeof fs !== 'number' || !(fs > 0) || !Number.isFinite(fs)) throw field('sampling_frequency', 'a positive, finite rate in Hz is expected')

  const channels = kwargs.num_channels ?? kwargs.num_chan
  if (typeof channels !== 'number' || !Number.isSafeInteger(channels) || channels < 1) throw field(kwargs.num_channels === undefined && kwargs.num_chan !== undefined ? 'num_chan' : 'num_channels', 'a positive integer is expected')

  const dtype = parseTraceDtype(kwargs.dtype, file)

  const timeAxis = kwargs.time_axis ?? 0
  if (timeAxis !== 0 && timeAxis !== 1) throw field('time_axis', 'SpikeInterface writes 0 (samples x channels) or 1 (channels x samples)')

  const offset = kwargs.file_offset ?? 0
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw field('file_offset', 'a non-negative integer number of bytes is expected')

  let channelIds: (number | string)[]
  const ids = kwargs.channel_ids
  if (ids === undefined || ids === null) channelIds = Array.from({ length: channels }, (_, i) => i)
  else if (!Array.isArray(ids) || !ids.every((id) => (typeof id === 'number' && Number.isFinite(id)) || typeof id === 'string')) throw field('channel_ids', 'a list of integer or string channel ids is expected')
  else if (ids.length !== channels) throw new InvalidDataError(`${file}: kwargs.channel_ids lists ${ids.length} ids but num_channels is ${channels}; SpikeInterface requires one id per channel.`, { file, field: 'channel_ids', ids: ids.length, channels })
  else channelIds = ids as (number | string)[]

  let tStarts: (number | null)[] | null = null
  const t = kwargs.t_starts
  if (t !== undefined && t !== null) {
    if (!Array.isArray(t) || t.length !== paths.length || !t.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) throw field('t_starts', 'null or one start time in seconds per segment is expected')
    tStarts = t as (number | null)[]
  }
  const version = typeof value.version === 'string' ? value.version : undefined
  return {
    filePaths: (paths as string[]).map(folderRelative),
    samplingFrequency: fs,
    numChannels: channels,
    dtype,
    channelIds,
    timeAxis,
    fileOffset: offset,
    tStarts,
    ...(version ? { version } : {}),
  }
}

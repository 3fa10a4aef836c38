import { CorruptFileError, InvalidArgumentError, readExactly, throwIfAborted, type ByteSource, type FolderSource, type LoadContext } from '@spikes/core'
import { naturalSort } from '@spikes/core/loader-utils'
import type { SpikeGroup } from './assemble.js'
import { parseSyncMessages } from './oebin.js'

export const LEGACY_HEADER_BYTES = 1024
const CHUNK_BYTES = 4 * 1024 * 1024
/** Bytes of a record before the waveform samples (eventType ... samplingRate). */
const FIXED_BYTES = 42
/** messages.events starts with the software time and the start times; the TTL lines after them can run long. */
const MESSAGES_HEAD_BYTES = 64 * 1024

/** The `header.key = value;` lines of a .spikes file's 1,024-byte text header. */
export function parseLegacyHeader(bytes: Uint8Array, file: string): Record<string, string | number> {
  const text = new TextDecoder('latin1').decode(bytes)
  if (!/header\.format\s*=\s*'Open Ephys Data Format'/.test(text)) {
    throw new CorruptFileError(`${file} does not start with "header.format = 'Open Ephys Data Format'"; it is not a legacy Open Ephys .spikes file.`, { file })
  }
  const out: Record<string, string | number> = {}
  for (const m of text.matchAll(/header\.(\w+)\s*=\s*('([^']*)'|[^;\n]*)\s*;/g)) {
    const raw = m[3] ?? m[2].trim()
    out[m[1]] = m[3] === undefined && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw
  }
  return out
}

/** Every .spikes file of a legacy Record Node folder, in natural name order. */
export async function readLegacyFolder(folder: FolderSource, fsHz: number | undefined, recording: number | undefined, context: LoadContext): Promise<{ groups: SpikeGroup[]; metadata: Record<string, unknown> }> {
  const names = naturalSort((await folder.list('')).filter((e) => e.kind === 'file' && e.name.toLowerCase().endsWith('.spikes')).map((e) => e.name))
  const groups: SpikeGroup[] = []
  const recordings = new Set<number>()
  let version: string | number | undefined
  for (const name of names) {
    throwIfAborted(context.signal, `Reading ${name}`)
    const source = await folder.open(name)
    try {
      const group = await readSpikesFile(source, name, fsHz, recording, recordings, context)
      version ??= group.version
      groups.push(group.group)
    } finally {
      await source.close()
    }
  }
  const numbers = [...recordings].sort((a, b) => a - b)
  // Without this a number that matches nothing (structure.openephys counts recordings from 1, the records from 0) loads as N = 0.
  if (recording !== undefined && numbers.length > 0 && !recordings.has(recording)) {
    throw new InvalidArgumentError('recordingNumber', recording, `one of the recording numbers the .spikes records hold (${numbers.join(', ')}); they count from 0, while structure.openephys numbers the recordings from 1`)
  }
  const metadata = { source_format: 'Open Ephys (legacy)', format_version: version ?? null, spike_files: names, recording_numbers: numbers, ...(await readMessages(folder)) }
  return { groups, metadata }
}

async function readSpikesFile(source: ByteSource, file: string, fsHz: number | undefined, recording: number | undefined, recordings: Set<number>, context: LoadContext): Promise<{ group: SpikeGroup; version?: string | number }> {
  const size = await source.size()
  if (size < LEGACY_HEADER_BYTES) throw new CorruptFileError(`${file} is ${size} bytes long, shorter than the 1,024-byte .spikes header.`, { file, size })
  const header = parseLegacyHeader(await readExactly(source, 0, LEGACY_HEADER_BYTES), file)
  const channels = header.num_channels
  const perSpike = header.samplesPerSpike
  if (!isCount(channels) || !isCount(perSpike)) {
    throw new CorruptFileError(`${file}: the header gives num_channels = ${channels} and samplesPerSpike = ${perSpike}; both must be positive integers below 65,536 to size the records.`, { file, numChannels: channels, samplesPerSpike: perSpike })
  }
  const headerRate = typeof header.sampleRate === 'number' && header.sampleRate > 0 ? header.sampleRate : undefined
  const rateHz = fsHz ?? headerRate
  if (rateHz === undefined) throw new InvalidArgumentError('fsHz', fsHz, `a positive sampling rate in Hz: the header of ${file} has no sampleRate`)
  if (fsHz !== undefined && headerRate !== undefined && headerRate !== fsHz) {
    context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${fsHz} differs from ${file}'s header.sampleRate = ${headerRate}; using fsHz.`, { fsHz, sampleRate: headerRate, file })
  }
  const recordBytes = FIXED_BYTES + 2 * channels * perSpike + 6 * channels + 2
  const records = Math.floor((size - LEGACY_HEADER_BYTES) / recordBytes)
  const extra = size - LEGACY_HEADER_BYTES - records * recordBytes
  if (extra > 0) context.warn('SPIKES_WARN_PARTIAL_RECORD', `${file} ends with ${extra} bytes that do not make a whole ${recordBytes}-byte record (a recording cut short?); they are ignored.`, { file, extra, recordBytes })
  const samples = new Float64Array(records)
  const electrodes = new Uint16Array(records)
  const clusters = new Uint16Array(records)
  let kept = 0
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / recordBytes))
  for (let start = 0; start < records; start += perChunk) {
    throwIfAborted(context.signal, `Reading ${file}`)
    const count = Math.min(perChunk, records - start)
    const bytes = await readExactly(source, LEGACY_HEADER_BYTES + start * recordBytes, count * recordBytes)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let r = 0; r < count; r++) {
      const at = r * recordBytes
      if (view.getUint16(at + 19, true) !== channels || view.getUint16(at + 21, true) !== perSpike) {
        throw new CorruptFileError(`${file}: record ${start + r} says ${view.getUint16(at + 19, true)} channels x ${view.getUint16(at + 21, true)} samples, but the header ${channels} x ${perSpike}; the records cannot be framed.`, { file, record: start + r })
      }
      const number = view.getUint16(at + recordBytes - 2, true)
      recordings.add(number)
      if (recording !== undefined && number !== recording) continue
      samples[kept] = Number(view.getBigInt64(at + 1, true))
      clusters[kept] = view.getUint16(at + 23, true)
      electrodes[kept] = view.getUint16(at + 25, true)
      kept++
    }
    context.progress({ phase: file, loaded: start + count, total: records, unit: 'spikes' })
  }
  const name = typeof header.electrode === 'string' && header.electrode !== '' ? header.electrode : file.replace(/\.spikes$/i, '')
  const attributes = { spike_file: file, channels_per_spike: channels, samples_per_spike: perSpike }
  return {
    group: { name, rateHz, samples: samples.subarray(0, kept), electrodes: electrodes.subarray(0, kept), clusters: clusters.subarray(0, kept), attributes, file },
    version: header.version,
  }
}

/** software_start_time_ms and first_sample from the head of messages.events, when the folder has it. */
async function readMessages(folder: FolderSource): Promise<Record<string, unknown>> {
  if (!(await folder.exists('messages.events'))) return {}
  const source = await folder.open('messages.events')
  try {
    const bytes = await readExactly(source, 0, Math.min(await source.size(), MESSAGES_HEAD_BYTES))
    return parseSyncMessages(new TextDecoder('latin1').decode(bytes))
  } finally {
    await source.close()
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536
}

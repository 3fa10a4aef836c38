import { InvalidArgumentError, InvalidDataError, UnsupportedError, throwIfAborted, type FolderSource, type LoadContext, type NumericArray, type SpikeData } from '@spikes/core'
import { openZarr } from '@spikes/zarr'
import { checkMemory, thresholdRecording } from './load-recording.js'
import type { CheckedSpikeinterfaceRecordingOptions } from '../../recording-options.js'

/** Samples read (and transposed) per window: at least this many bytes, a whole number of chunks. */
const WINDOW_BYTES = 4 * 1024 * 1024

type TypedCtor = new (n: number) => NumericArray

/**
 * Loads a ZarrRecordingExtractor (recording.save(format="zarr"), add_recording_to_zarr_group): root attrs
 * sampling_frequency and num_segments, channel_ids, traces_seg<i> as [samples, channels], t_starts. The memory
 * bound is checked from the array's shape before anything is allocated; the segment is read in windows of
 * whole chunks and transposed into one channels x samples array of the stored type (int64 → float64), then
 * thresholded as the binary layout is (thresholdRecording).
 */
export async function loadSpikeInterfaceZarrRecording(folder: FolderSource, opts: CheckedSpikeinterfaceRecordingOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const root = await openZarr(folder)
  const fs = root.attrs.sampling_frequency
  const numSegments = root.attrs.num_segments
  if (typeof fs !== 'number' || !Number.isFinite(fs) || fs <= 0) throw new InvalidDataError(`.zattrs: sampling_frequency is ${JSON.stringify(fs)}; a positive rate in Hz is expected.`, { file: '.zattrs', field: 'sampling_frequency' })
  if (!(Number.isSafeInteger(numSegments) && (numSegments as number) >= 1)) throw new InvalidDataError(`.zattrs: num_segments is ${JSON.stringify(numSegments)}; a positive integer is expected.`, { file: '.zattrs', field: 'num_segments' })
  const segmentIndex = opts.segmentIndex ?? 0
  if (segmentIndex >= (numSegments as number)) {
    throw new InvalidArgumentError('segmentIndex', segmentIndex, `a segment index below ${numSegments} (${folderName} has ${numSegments} segment${numSegments === 1 ? '' : 's'})`)
  }
  const channelIds = Array.from((await (await root.array('channel_ids')).read({ maxBytes: 16 * 1024 * 1024 })).data as ArrayLike<unknown>)
  const name = `traces_seg${segmentIndex}`
  const traces = await root.array(name)
  const { shape, dtype, chunks } = traces.metadata
  if (shape.length !== 2 || shape[1] !== channelIds.length) {
    throw new InvalidDataError(`${name} has shape (${shape.join(', ')}); SpikeInterface writes samples x channels with one column per channel id (${channelIds.length}).`, { file: `${name}/.zarray`, field: 'shape', shape: [...shape], channels: channelIds.length })
  }
  if (dtype.kind !== 'i' && dtype.kind !== 'u' && dtype.kind !== 'f') throw new UnsupportedError('dtype', `${name} holds ${dtype.descr}; traces of integers or floats are read.`, { file: name, dtype: dtype.descr })
  const [samples, channels] = shape as [number, number]
  const str = `${dtype.itemsize === 1 ? '|' : '<'}${dtype.kind}${dtype.itemsize}`
  checkMemory({ numChannels: channels, dtype: { itemsize: dtype.itemsize, str } }, samples, opts, name)
  let tStart: number | undefined
  if ((await root.kind('t_starts')) === 'array') {
    const t = (await (await root.array('t_starts')).read({ maxBytes: 1024 * 1024 })).data as ArrayLike<number>
    if (typeof t[segmentIndex] === 'number' && Number.isFinite(t[segmentIndex])) tStart = t[segmentIndex]
  }
  throwIfAborted(context.signal, `Loading ${folderName}`)
  let read = false
  const recording = {
    getSamplingFrequency: () => fs,
    getNumChannels: () => channels,
    getNumSegments: () => numSegments as number,
    // Called by core only after it has validated the thresholding options against the rate.
    getTraces: async () => {
      if (read) throw new Error('getTraces is read once')
      read = true
      const Ctor = outputType(dtype.kind, dtype.itemsize)
      const out = new Ctor(channels * samples)
      const rowBytes = channels * dtype.itemsize
      const window = Math.max(1, Math.ceil(WINDOW_BYTES / rowBytes / chunks[0])) * chunks[0]
      for (let a = 0; a < samples; a += window) {
        const b = Math.min(samples, a + window)
        const { data } = await traces.read({ selection: [[a, b], null], signal: context.signal, maxBytes: opts.maxBytes })
        const block = data as ArrayLike<number>
        for (let t = a; t < b; t++) {
          const row = (t - a) * channels
          for (let c = 0; c < channels; c++) out[c * samples + t] = block[row + c]
        }
        context.progress({ phase: 'traces', loaded: b, total: samples })
      }
      return { data: out, shape: [channels, samples] }
    },
  }
  return thresholdRecording(recording, opts, context, {
    source_folder: folderName,
    spikeinterface_layout: 'ZarrRecordingExtractor',
    spikeinterface_format: 'zarr',
    fs_Hz: fs,
    channel_ids: channelIds,
    num_channels: channels,
    num_samples: samples,
    dtype: dtype.descr,
    num_segments: numSegments,
    segment_index: segmentIndex,
    ...(tStart !== undefined ? { t_start_s: tStart } : {}),
  })
}

function outputType(kind: string, itemsize: number): TypedCtor {
  if (kind === 'f') return (itemsize === 4 ? Float32Array : itemsize === 8 ? Float64Array : Float32Array) as unknown as TypedCtor
  // 64-bit integers are read as numbers (@spikes/zarr refuses values beyond 2^53), so float64 here.
  const table: Record<string, unknown> = { i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array, i8: Float64Array, u8: Float64Array }
  return table[`${kind}${itemsize}`] as TypedCtor
}

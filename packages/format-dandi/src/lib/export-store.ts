import { throwIfAborted, type Progress } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'
import type { ElectricalSeriesInfo } from './electrical-series.js'
import type { CheckedExport } from './export-options.js'
import type { NodeDeps } from './node-deps.js'
import { ZarrV2Writer, zarrDtype } from './zarr-writer.js'

/**
 * Writes the series as a SpikeInterface recording Zarr store under `root`: traces_seg0 read and written one
 * chunk of samples at a time (raw integers, or float32 microvolts with traces: 'scaled'), times_seg0 or
 * t_starts, channel_ids and the gain/offset properties. Checks `signal` before every chunk.
 */
export async function writeStore(file: Hdf5File, s: ElectricalSeriesInfo, root: string, o: CheckedExport, progress: (p: Progress) => void, deps: NodeDeps, signal?: AbortSignal): Promise<{ dtype: string }> {
  const C = s.nChannels
  const twoD = (s.data.shape ?? []).length === 2
  const probe = s.data.readNumeric({ start: twoD ? [0, 0] : 0, count: twoD ? [Math.min(1, s.nSamples), C] : Math.min(1, s.nSamples), as: 'native' })
  const Native = probe.constructor as new (n: number) => Exclude<typeof probe, never>
  const itemBytes = (probe as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT
  const maxByBytes = Math.max(1, Math.floor((8 * 1024 * 1024) / (C * itemBytes)))
  const chunk = Math.max(1, Math.min(o.chunkSamples ?? Math.min(Math.round(s.samplingRateHz), maxByBytes), Math.max(1, s.nSamples)))
  const scaled = o.traces === 'scaled'
  const outSample = scaled ? new Float32Array(0) : new Native(0)
  const dtype = zarrDtype(outSample as ArrayBufferView)

  const w = new ZarrV2Writer(root, deps)
  await deps.fs.mkdir(root, { recursive: true })
  await w.group('', { sampling_frequency: s.samplingRateHz, num_segments: 1, annotations: { is_filtered: false }, provenance: null })
  if (typeof s.channelIds[0] === 'string') await w.stringArray('channel_ids', s.channelIds as string[])
  else await w.smallArray('channel_ids', BigInt64Array.from(s.channelIds as number[], (v) => BigInt(Math.trunc(v))))
  await w.array('traces_seg0', { shape: [s.nSamples, C], chunks: [chunk, C], dtype, zlibLevel: o.zlibLevel })

  const buffer = new Native(chunk * C) as unknown as ArrayLike<number> & ArrayBufferView & { fill(v: number): void; length: number }
  const out = scaled ? new Float32Array(chunk * C) : null
  const total = s.nSamples * C * itemBytes
  for (let start = 0, i = 0; start < s.nSamples; start += chunk, i++) {
    throwIfAborted(signal, 'Exporting a recording')
    const n = Math.min(chunk, s.nSamples - start)
    if (n < chunk) buffer.fill(0)
    s.data.readNumeric({ start: twoD ? [start, 0] : start, count: twoD ? [n, C] : n, as: 'native', out: buffer as never, outOffset: 0 })
    if (out) {
      out.fill(0)
      for (let k = 0; k < n * C; k++) {
        const c = k % C
        out[k] = buffer[k] * s.gainToUv[c] + s.offsetToUv[c]
      }
    }
    await w.chunk('traces_seg0', [i, 0], out ?? buffer)
    progress({ phase: 'export', loaded: Math.min(total, (start + n) * C * itemBytes), total, unit: 'bytes' })
    await new Promise((r) => setImmediate(r))
  }

  if (s.timestamps) {
    await w.array('times_seg0', { shape: [s.nSamples], chunks: [chunk], dtype: '<f8', zlibLevel: o.zlibLevel })
    const t = new Float64Array(chunk)
    for (let start = 0, i = 0; start < s.nSamples; start += chunk, i++) {
      throwIfAborted(signal, 'Exporting a recording')
      const n = Math.min(chunk, s.nSamples - start)
      if (n < chunk) t.fill(0)
      s.timestamps.readNumeric({ start, count: n, out: t, outOffset: 0 })
      await w.chunk('times_seg0', [i], t)
    }
  } else if (s.tStart !== 0) {
    await w.smallArray('t_starts', Float64Array.of(s.tStart))
  }
  await w.group('properties')
  await w.smallArray('properties/gain_to_uV', scaled ? new Float64Array(C).fill(1) : s.gainToUv)
  await w.smallArray('properties/offset_to_uV', scaled ? new Float64Array(C) : s.offsetToUv)
  await w.finish()
  return { dtype }
}

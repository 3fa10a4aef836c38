import { InvalidDataError, MissingEntryError, SelectionRequiredError, UnsupportedError } from '@spikes/core'
import type { Hdf5AttrValue, Hdf5Dataset, Hdf5File } from '@spikes/hdf5'

/** An ElectricalSeries and what is needed to turn its stored values into microvolts (NWB schema rules). */
export interface ElectricalSeriesInfo {
  path: string
  data: Hdf5Dataset
  nSamples: number
  nChannels: number
  /** data.conversion (default 1): stored value x conversion = value in `unit`. */
  conversion: number
  /** data.offset (default 0, NWB 2.4+), added after scaling, in `unit`. */
  offset: number
  /** channel_conversion (per channel, default 1), multiplied with conversion. */
  channelConversion: Float64Array | null
  unit: string
  /** Factor from `unit` to microvolts. */
  toMicrovolts: number
  /** From starting_time.rate, or estimated from timestamps. */
  samplingRateHz: number
  /** starting_time (s), or the first timestamp. */
  tStart: number
  timestamps: Hdf5Dataset | null
  /** Electrode ids of the channels (electrodes table `id` at the region's rows), or 0..C-1. */
  channelIds: number[] | string[]
  /** Per channel: conversion x channel_conversion x toMicrovolts. */
  gainToUv: Float64Array
  /** Per channel: offset x toMicrovolts. */
  offsetToUv: Float64Array
}

const SEARCH_ROOTS = ['/acquisition', '/processing']

/** Paths of every ElectricalSeries (neurodata_type, or a subtype named *ElectricalSeries) under /acquisition and /processing. */
export function listElectricalSeries(file: Hdf5File): string[] {
  const out: string[] = []
  for (const root of SEARCH_ROOTS) {
    if (file.kind(root) !== 'group') continue
    for (const entry of file.walk(root)) {
      if (entry.kind !== 'group') continue
      const type = text(safeAttr(file, entry.path, 'neurodata_type'))
      if (type && /ElectricalSeries$/.test(type) && type !== 'SpikeEventSeries' && file.kind(`${entry.path}/data`) === 'dataset') out.push(entry.path)
    }
  }
  return out
}

/** Chooses the series (by path when there are several) and reads its scaling, timing and channels. */
export function describeElectricalSeries(file: Hdf5File, requested: string | null): ElectricalSeriesInfo {
  const all = listElectricalSeries(file)
  let path: string
  if (requested) {
    path = '/' + requested.replace(/^\/+/, '').replace(/\/+$/, '')
    if (file.kind(path) !== 'group' || file.kind(`${path}/data`) !== 'dataset') throw new MissingEntryError(path, file.name, all, 'Pass one of the ElectricalSeries paths listed.')
  } else {
    if (all.length === 0) throw new MissingEntryError('ElectricalSeries', file.name, [], 'This NWB file has no ElectricalSeries under /acquisition or /processing (no raw or LFP traces).')
    if (all.length > 1) throw new SelectionRequiredError('electricalSeriesPath', all, `${file.name} has ${all.length} ElectricalSeries.`)
    path = all[0]
  }
  const data = file.dataset(`${path}/data`)
  if (!data.isNumeric()) throw new UnsupportedError('electrical-series-dtype', `${path}/data holds ${data.dtype.numpy}, not numbers.`, { dataset: data.path, dtype: data.dtype.numpy })
  const shape = data.shape ?? []
  if (shape.length < 1 || shape.length > 2) throw new UnsupportedError('electrical-series-rank', `${path}/data has ${shape.length} dimensions; an ElectricalSeries has (time) or (time, channels).`, { dataset: data.path, shape })
  const nSamples = shape[0]
  const nChannels = shape.length === 2 ? shape[1] : 1
  const dataAttrs = data.attrs
  const conversion = num(dataAttrs.conversion) ?? 1
  const offset = num(dataAttrs.offset) ?? 0
  const unit = text(dataAttrs.unit) ?? 'volts'
  const toMicrovolts = microvoltsPer(unit)

  let channelConversion: Float64Array | null = null
  const cc = file.maybeDataset(`${path}/channel_conversion`)
  if (cc) {
    channelConversion = cc.readNumeric()
    if (channelConversion.length !== nChannels) {
      throw new InvalidDataError(`${path}/channel_conversion has ${channelConversion.length} values for ${nChannels} channels.`, { dataset: cc.path, expected: nChannels, actual: channelConversion.length })
    }
  }

  let samplingRateHz: number | undefined
  let tStart = 0
  let timestamps: Hdf5Dataset | null = null
  const st = file.maybeDataset(`${path}/starting_time`)
  if (st) {
    samplingRateHz = num(st.attrs.rate)
    tStart = st.readScalar()
  } else {
    timestamps = file.maybeDataset(`${path}/timestamps`)
    if (timestamps) {
      const n = Math.min(timestamps.size, 1001)
      const head = n > 0 ? timestamps.readNumeric({ count: n }) : new Float64Array(0)
      tStart = head[0] ?? 0
      if (head.length >= 2) {
        const diffs = Array.from(head.subarray(1), (v, i) => v - head[i]).sort((a, b) => a - b)
        const median = diffs[Math.floor(diffs.length / 2)]
        if (median > 0) samplingRateHz = 1 / median
      }
    }
  }
  if (!(samplingRateHz !== undefined && Number.isFinite(samplingRateHz) && samplingRateHz > 0)) {
    throw new InvalidDataError(`${path} has no usable sampling rate (starting_time.rate or timestamps).`, { series: path })
  }

  const gainToUv = new Float64Array(nChannels)
  const offsetToUv = new Float64Array(nChannels).fill(offset * toMicrovolts)
  for (let c = 0; c < nChannels; c++) gainToUv[c] = conversion * (channelConversion ? channelConversion[c] : 1) * toMicrovolts

  return { path, data, nSamples, nChannels, conversion, offset, channelConversion, unit, toMicrovolts, samplingRateHz, tStart, timestamps, channelIds: channelIdsOf(file, path, nChannels), gainToUv, offsetToUv }
}

function channelIdsOf(file: Hdf5File, path: string, nChannels: number): number[] | string[] {
  const fallback = Array.from({ length: nChannels }, (_, i) => i)
  try {
    const region = file.maybeDataset(`${path}/electrodes`)
    if (!region || !region.isInteger()) return fallback
    const rows = region.readNumeric()
    if (rows.length !== nChannels) return fallback
    const tableRef = safeAttr(file, region.path, 'table')
    let tablePath = '/general/extracellular_ephys/electrodes'
    if (tableRef && typeof tableRef === 'object' && 'kind' in (tableRef as object)) {
      const resolved = file.resolveReference(tableRef as never)
      if (resolved.target === 'group') tablePath = resolved.path
    }
    const ids = file.maybeDataset(`${tablePath}/id`)
    if (!ids || !ids.isInteger()) return Array.from(rows, (r) => r)
    const all = ids.readNumeric()
    return Array.from(rows, (r) => (r >= 0 && r < all.length ? all[r] : r))
  } catch {
    return fallback
  }
}

/** Microvolts per `unit` (NWB writes 'volts'; some files use mV or uV). */
export function microvoltsPer(unit: string): number {
  const u = unit.trim().toLowerCase()
  if (u === 'volts' || u === 'volt' || u === 'v') return 1e6
  if (u === 'millivolts' || u === 'mv') return 1e3
  if (u === 'microvolts' || u === 'uv' || u === 'µv' || u === 'μv') return 1
  if (u === 'nanovolts' || u === 'nv') return 1e-3
  throw new UnsupportedError('electrical-series-unit', `ElectricalSeries data in '${unit}' cannot be scaled to microvolts; expected volts (NWB's default), mV or uV.`, { unit })
}

function safeAttr(file: Hdf5File, path: string, name: string): Hdf5AttrValue | undefined {
  try {
    return file.attr(path, name)
  } catch {
    return undefined
  }
}

function text(v: Hdf5AttrValue | undefined): string | undefined {
  if (typeof v === 'string') return v
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0]
  return undefined
}

function num(v: Hdf5AttrValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1) return Number((v as unknown as ArrayLike<number>)[0])
  return undefined
}

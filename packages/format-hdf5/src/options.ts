import { InvalidArgumentError } from '@spikes/core'
import { checkSamplingRate, checkTimeUnit, type TimeUnit } from '@spikes/core/loader-utils'

/** SpikeLab's load_spikedata_from_hdf5 keyword arguments, in lowerCamelCase. */
export interface Hdf5Options {
  /** Raster layout: a 2-D (units x bins) count matrix. Needs rasterBinSizeMs. */
  rasterDataset?: string
  rasterBinSizeMs?: number
  /** Ragged layout: flat spike times + cumulative end index (N or N + 1 entries). */
  spikeTimesDataset?: string
  spikeTimesIndexDataset?: string
  spikeTimesUnit?: TimeUnit
  /** Sampling rate, needed by every 'samples' unit. */
  fsHz?: number
  /** Group-per-unit layout: a group with one 1-D dataset of spike times per unit (natural name order). */
  groupPerUnit?: string
  groupTimeUnit?: TimeUnit
  /** Paired layout: unit index and spike time per spike. */
  idcesDataset?: string
  timesDataset?: string
  timesUnit?: TimeUnit
  /** Raw traces (channels x samples) and their sample times. */
  rawDataset?: string
  rawTimeDataset?: string
  rawTimeUnit?: TimeUnit
  /** Recording length in ms; beats the file's length_ms attribute (ignored, with a warning, for rasters). */
  lengthMs?: number
  /** Merged into the result's metadata (passed through as data). */
  metadata?: Record<string, unknown>
}

/**
 * The four spike layouts {@link Hdf5Options} selects between: 'raster' (rasterDataset), 'ragged'
 * (spikeTimesDataset + spikeTimesIndexDataset), 'group' (groupPerUnit) and 'paired' (idcesDataset + timesDataset).
 */
export type Layout = 'raster' | 'ragged' | 'group' | 'paired'

export interface ResolvedOptions {
  raster?: { dataset: string; binMs?: number }
  ragged?: { times: string; index: string; unit: TimeUnit }
  group?: { group: string; unit: TimeUnit }
  paired?: { idces: string; times: string; unit: TimeUnit }
  /** Hints when no layout is given (auto-detection). */
  rasterBinSizeMs?: number
  fsHz?: number
  raw?: { dataset: string; time?: string; unit: TimeUnit }
  lengthMs?: number
  metadata: Record<string, unknown>
  /** Units the caller set explicitly (auto-detection keeps them). */
  explicitUnits: Partial<Record<'spikeTimesUnit' | 'groupTimeUnit' | 'timesUnit', TimeUnit>>
}

const KNOWN = [
  'rasterDataset',
  'rasterBinSizeMs',
  'spikeTimesDataset',
  'spikeTimesIndexDataset',
  'spikeTimesUnit',
  'fsHz',
  'groupPerUnit',
  'groupTimeUnit',
  'idcesDataset',
  'timesDataset',
  'timesUnit',
  'rawDataset',
  'rawTimeDataset',
  'rawTimeUnit',
  'lengthMs',
  'metadata',
] as const

/** Validates every option before any I/O. Throws InvalidArgumentError naming the option. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) throw new InvalidArgumentError('options', input, 'an object of hdf5 loader options')
  const raw = (input ?? {}) as Record<string, unknown>
  const o: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (!(KNOWN as readonly string[]).includes(k)) throw new InvalidArgumentError(k, v, `a known hdf5 option (${KNOWN.join(', ')})`)
    if (v !== undefined && v !== null) o[k] = v
  }
  const path = (name: string): string | undefined => {
    const v = o[name]
    if (v === undefined) return undefined
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(name, v, 'an HDF5 path such as "/spike_times"')
    return v
  }
  const unit = (name: 'spikeTimesUnit' | 'groupTimeUnit' | 'timesUnit' | 'rawTimeUnit'): TimeUnit => {
    const v = o[name] ?? 's'
    checkTimeUnit(v, 1, name)
    return v
  }
  const positive = (name: string): number | undefined => {
    const v = o[name]
    if (v === undefined) return undefined
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(name, v, 'a positive, finite number')
    return v
  }

  const rasterDataset = path('rasterDataset')
  const spikeTimesDataset = path('spikeTimesDataset')
  const spikeTimesIndexDataset = path('spikeTimesIndexDataset')
  const groupPerUnit = path('groupPerUnit')
  const idcesDataset = path('idcesDataset')
  const timesDataset = path('timesDataset')
  const rawDataset = path('rawDataset')
  const rawTimeDataset = path('rawTimeDataset')
  const units = { spikeTimesUnit: unit('spikeTimesUnit'), groupTimeUnit: unit('groupTimeUnit'), timesUnit: unit('timesUnit'), rawTimeUnit: unit('rawTimeUnit') }
  const rasterBinSizeMs = positive('rasterBinSizeMs')
  const fsHz = o.fsHz === undefined ? undefined : (checkSamplingRate(o.fsHz, 'fsHz'), o.fsHz as number)
  let lengthMs: number | undefined
  if (o.lengthMs !== undefined) {
    if (typeof o.lengthMs !== 'number' || !Number.isFinite(o.lengthMs) || o.lengthMs < 0) throw new InvalidArgumentError('lengthMs', o.lengthMs, 'a finite, non-negative number of milliseconds')
    lengthMs = o.lengthMs
  }
  const metadata = o.metadata ?? {}
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new InvalidArgumentError('metadata', metadata, 'an object of metadata entries')

  // SpikeLab counts a half-given pair as no layout; here it is an error naming the missing half.
  if (spikeTimesDataset !== undefined && spikeTimesIndexDataset === undefined) throw new InvalidArgumentError('spikeTimesIndexDataset', undefined, 'the cumulative index dataset that goes with spikeTimesDataset')
  if (spikeTimesIndexDataset !== undefined && spikeTimesDataset === undefined) throw new InvalidArgumentError('spikeTimesDataset', undefined, 'the flat spike-times dataset that goes with spikeTimesIndexDataset')
  if (idcesDataset !== undefined && timesDataset === undefined) throw new InvalidArgumentError('timesDataset', undefined, 'the spike-times dataset that goes with idcesDataset')
  if (timesDataset !== undefined && idcesDataset === undefined) throw new InvalidArgumentError('idcesDataset', undefined, 'the unit-index dataset that goes with timesDataset')

  const given = [rasterDataset && 'rasterDataset', spikeTimesDataset && 'spikeTimesDataset + spikeTimesIndexDataset', groupPerUnit && 'groupPerUnit', idcesDataset && 'idcesDataset + timesDataset'].filter(Boolean) as string[]
  if (given.length > 1) throw new InvalidArgumentError('options', given.join(' and '), 'exactly one HDF5 layout: rasterDataset, spikeTimesDataset + spikeTimesIndexDataset, groupPerUnit, or idcesDataset + timesDataset')
  if (rasterDataset !== undefined && rasterBinSizeMs === undefined) throw new InvalidArgumentError('rasterBinSizeMs', undefined, `the raster bin width in ms (required with rasterDataset)`)

  const explicitUnits: ResolvedOptions['explicitUnits'] = {}
  for (const k of ['spikeTimesUnit', 'groupTimeUnit', 'timesUnit'] as const) if (o[k] !== undefined) explicitUnits[k] = o[k] as TimeUnit

  const r: ResolvedOptions = { metadata: { ...(metadata as Record<string, unknown>) }, lengthMs, fsHz, rasterBinSizeMs, explicitUnits }
  if (rasterDataset) r.raster = { dataset: rasterDataset, binMs: rasterBinSizeMs }
  if (spikeTimesDataset && spikeTimesIndexDataset) r.ragged = { times: spikeTimesDataset, index: spikeTimesIndexDataset, unit: units.spikeTimesUnit }
  if (groupPerUnit) r.group = { group: groupPerUnit, unit: units.groupTimeUnit }
  if (idcesDataset && timesDataset) r.paired = { idces: idcesDataset, times: timesDataset, unit: units.timesUnit }
  if (rawDataset) r.raw = { dataset: rawDataset, time: rawTimeDataset, unit: units.rawTimeUnit }
  checkUnits(r)
  return r
}

/** 'samples' needs fsHz; checked once the layout is known (also after auto-detection). */
export function checkUnits(r: ResolvedOptions): void {
  const used: [string, TimeUnit][] = []
  if (r.ragged) used.push(['spikeTimesUnit', r.ragged.unit])
  if (r.group) used.push(['groupTimeUnit', r.group.unit])
  if (r.paired) used.push(['timesUnit', r.paired.unit])
  if (r.raw?.time) used.push(['rawTimeUnit', r.raw.unit])
  for (const [name, unit] of used) checkTimeUnit(unit, r.fsHz, name)
}

export function layoutOf(r: ResolvedOptions): Layout | null {
  return r.raster ? 'raster' : r.ragged ? 'ragged' : r.group ? 'group' : r.paired ? 'paired' : null
}

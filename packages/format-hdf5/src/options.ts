import { InvalidArgumentError } from '@spikes/core'
import { checkTimeUnit, durationMsOption, positiveOption, rateHzOption, textOption, timeUnitOption, type TimeUnit } from '@spikes/core/loader-utils'
import { description, object, optional, pipe, record, string, unknown, type InferInput, type InferOutput } from 'valibot'

const H5_PATH = 'an HDF5 path such as "/spike_times"'
const datasetOption = (text: string) => textOption(undefined, H5_PATH, text)

/** SpikeLab's load_spikedata_from_hdf5 keyword arguments, in lowerCamelCase, as a schema. */
export const hdf5Options = object({
  rasterDataset: datasetOption('Raster layout: a 2-D (units x bins) count matrix. Needs rasterBinSizeMs.'),
  rasterBinSizeMs: positiveOption(undefined, 'a positive, finite number', 'Raster bin width in ms (required with rasterDataset; a hint for auto-detection otherwise).'),
  spikeTimesDataset: datasetOption('Ragged layout: the flat spike times (with spikeTimesIndexDataset).'),
  spikeTimesIndexDataset: datasetOption('Ragged layout: the cumulative end index of each unit (N or N + 1 entries).'),
  spikeTimesUnit: timeUnitOption(undefined, "Unit of spikeTimesDataset: 's' (default), 'ms' or 'samples'."),
  fsHz: rateHzOption("Sampling rate in Hz, needed by every 'samples' unit."),
  groupPerUnit: datasetOption('Group-per-unit layout: a group with one 1-D dataset of spike times per unit (natural name order).'),
  groupTimeUnit: timeUnitOption(undefined, "Unit of the group-per-unit datasets: 's' (default), 'ms' or 'samples'."),
  idcesDataset: datasetOption('Paired layout: the unit index of each spike (with timesDataset).'),
  timesDataset: datasetOption('Paired layout: the time of each spike (with idcesDataset).'),
  timesUnit: timeUnitOption(undefined, "Unit of timesDataset: 's' (default), 'ms' or 'samples'."),
  rawDataset: datasetOption('Raw traces (channels x samples), attached as rawData.'),
  rawTimeDataset: datasetOption('Sample times of rawDataset.'),
  rawTimeUnit: timeUnitOption('s', "Unit of rawTimeDataset: 's', 'ms' or 'samples'."),
  lengthMs: durationMsOption("Recording length in ms; beats the file's length_ms attribute (ignored, with a warning, for rasters)."),
  metadata: optional(pipe(record(string(), unknown(), 'an object of metadata entries'), description("Merged into the result's metadata (passed through as data).")), {}),
})

/** The options as callers write them. */
export type Hdf5Options = InferInput<typeof hdf5Options>

/**
 * The four spike layouts {@link Hdf5Options} selects between: 'raster' (rasterDataset), 'ragged'
 * (spikeTimesDataset + spikeTimesIndexDataset), 'group' (groupPerUnit) and 'paired' (idcesDataset + timesDataset).
 */
export type Layout = 'raster' | 'ragged' | 'group' | 'paired'

/** The hdf5 options after checking: the layout's dataset paths, units and rates the loader uses. */
export interface ResolvedHdf5Options {
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

/** The checks that span options (one layout, both halves of a pair), grouped by layout. */
export function resolveHdf5Options(o: InferOutput<typeof hdf5Options>): ResolvedHdf5Options {
  // SpikeLab counts a half-given pair as no layout; here it is an error naming the missing half.
  if (o.spikeTimesDataset !== undefined && o.spikeTimesIndexDataset === undefined) throw new InvalidArgumentError('spikeTimesIndexDataset', undefined, 'the cumulative index dataset that goes with spikeTimesDataset')
  if (o.spikeTimesIndexDataset !== undefined && o.spikeTimesDataset === undefined) throw new InvalidArgumentError('spikeTimesDataset', undefined, 'the flat spike-times dataset that goes with spikeTimesIndexDataset')
  if (o.idcesDataset !== undefined && o.timesDataset === undefined) throw new InvalidArgumentError('timesDataset', undefined, 'the spike-times dataset that goes with idcesDataset')
  if (o.timesDataset !== undefined && o.idcesDataset === undefined) throw new InvalidArgumentError('idcesDataset', undefined, 'the unit-index dataset that goes with timesDataset')

  const given = [o.rasterDataset && 'rasterDataset', o.spikeTimesDataset && 'spikeTimesDataset + spikeTimesIndexDataset', o.groupPerUnit && 'groupPerUnit', o.idcesDataset && 'idcesDataset + timesDataset'].filter(Boolean) as string[]
  if (given.length > 1) throw new InvalidArgumentError('options', given.join(' and '), 'exactly one HDF5 layout: rasterDataset, spikeTimesDataset + spikeTimesIndexDataset, groupPerUnit, or idcesDataset + timesDataset')
  if (o.rasterDataset !== undefined && o.rasterBinSizeMs === undefined) throw new InvalidArgumentError('rasterBinSizeMs', undefined, `the raster bin width in ms (required with rasterDataset)`)

  const explicitUnits: ResolvedHdf5Options['explicitUnits'] = {}
  for (const k of ['spikeTimesUnit', 'groupTimeUnit', 'timesUnit'] as const) if (o[k] !== undefined) explicitUnits[k] = o[k]

  const r: ResolvedHdf5Options = { metadata: { ...o.metadata }, lengthMs: o.lengthMs, fsHz: o.fsHz, rasterBinSizeMs: o.rasterBinSizeMs, explicitUnits }
  if (o.rasterDataset) r.raster = { dataset: o.rasterDataset, binMs: o.rasterBinSizeMs }
  if (o.spikeTimesDataset && o.spikeTimesIndexDataset) r.ragged = { times: o.spikeTimesDataset, index: o.spikeTimesIndexDataset, unit: o.spikeTimesUnit ?? 's' }
  if (o.groupPerUnit) r.group = { group: o.groupPerUnit, unit: o.groupTimeUnit ?? 's' }
  if (o.idcesDataset && o.timesDataset) r.paired = { idces: o.idcesDataset, times: o.timesDataset, unit: o.timesUnit ?? 's' }
  if (o.rawDataset) r.raw = { dataset: o.rawDataset, time: o.rawTimeDataset, unit: o.rawTimeUnit }
  checkUnits(r)
  return r
}

/** 'samples' needs fsHz; checked once the layout is known (also after auto-detection). */
export function checkUnits(r: ResolvedHdf5Options): void {
  const used: [string, TimeUnit][] = []
  if (r.ragged) used.push(['spikeTimesUnit', r.ragged.unit])
  if (r.group) used.push(['groupTimeUnit', r.group.unit])
  if (r.paired) used.push(['timesUnit', r.paired.unit])
  if (r.raw?.time) used.push(['rawTimeUnit', r.raw.unit])
  for (const [name, unit] of used) checkTimeUnit(unit, r.fsHz, name)
}

export function layoutOf(r: ResolvedHdf5Options): Layout | null {
  return r.raster ? 'raster' : r.ragged ? 'ragged' : r.group ? 'group' : r.paired ? 'paired' : null
}

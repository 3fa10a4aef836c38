import { InvalidDataError, isSpikesError, throwIfAborted, type FolderSource, type LoadContext } from '@spikes/core'
import { openZarr, type ZarrGroup } from '@spikes/zarr'
import { checkSegment } from './build.js'
import type { CheckedSpikeinterfaceOptions } from '../../options.js'
import type { UnitId } from './unit-id.js'
import { allocateGroups, sortUnsortedUnits, type GroupedSorting } from './grouped.js'
import { CHANNEL_PROPERTIES, LOCATION_PROPERTIES } from '../../adapters/index.js'
import { orderProperties, propertyRows } from './properties.js'
import { badSample } from './spike-vector.js'

const MAX_SMALL_BYTES = 64 * 1024 * 1024

/** A Zarr sorting read for one segment, plus what the loader reports in metadata. */
export interface ZarrSorting {
  grouped: GroupedSorting
  samplingFrequency: number
  numSegments: number
  layout: 'ZarrSortingExtractor' | 'SortingAnalyzer'
  version?: string
}

/**
 * Reads SpikeInterface's Zarr sorting (add_sorting_to_zarr_group), at the root (ZarrSortingExtractor) or in the
 * `sorting` group of a SortingAnalyzer saved with format="zarr": attrs sampling_frequency / num_segments,
 * unit_ids, spikes/segment_slices, and only the chosen segment's slice of spikes/sample_index and
 * spikes/unit_index, grouped by unit in two passes; properties/ for the electrode and location.
 */
export async function readZarrSorting(folder: FolderSource, opts: CheckedSpikeinterfaceOptions, context: LoadContext): Promise<ZarrSorting> {
  const folderName = folder.path ?? folder.name
  const root = await openZarr(folder)
  const info = root.attrs.spikeinterface_info as { object?: unknown; version?: unknown } | undefined
  const analyzer = info !== undefined || (await root.kind('sorting')) === 'group'
  let group = root
  let version: string | undefined
  if (analyzer) {
    if (info?.object !== 'SortingAnalyzer') context.warn('SPIKES_WARN_ANALYZER_OBJECT', `${folderName}: spikeinterface_info names object ${JSON.stringify(info?.object)}, not "SortingAnalyzer"; its sorting group is read anyway.`, { object: String(info?.object) })
    if (typeof info?.version === 'string') version = info.version
    group = await root.group('sorting')
  }
  const where = group.path ? `${group.path}/` : ''
  const fs = group.attrs.sampling_frequency
  const numSegments = group.attrs.num_segments
  if (typeof fs !== 'number') throw new InvalidDataError(`${where}.zattrs: sampling_frequency is ${JSON.stringify(fs)}; SpikeInterface writes a number.`, { file: `${where}.zattrs`, field: 'sampling_frequency' })
  if (!(Number.isSafeInteger(numSegments) && (numSegments as number) >= 1)) throw new InvalidDataError(`${where}.zattrs: num_segments is ${JSON.stringify(numSegments)}; a positive integer is expected.`, { file: `${where}.zattrs`, field: 'num_segments' })
  checkSegment(opts, numSegments as number, folderName, context)
  const unitIds = await readUnitIds(group, where)
  const grouped = await groupSegment(group, where, unitIds, numSegments as number, opts.segmentIndex, context)
  throwIfAborted(context.signal, `Loading ${folderName}`)
  return {
    grouped: { unitIds, offsets: grouped.offsets, samples: grouped.samples, properties: await readZarrProperties(group, where, unitIds.length, context) },
    samplingFrequency: fs,
    numSegments: numSegments as number,
    layout: analyzer ? 'SortingAnalyzer' : 'ZarrSortingExtractor',
    ...(version ? { version } : {}),
  }
}

async function readUnitIds(group: ZarrGroup, where: string): Promise<UnitId[]> {
  const { data, shape, dtype } = await (await group.array('unit_ids')).read({ maxBytes: MAX_SMALL_BYTES })
  const file = `${where}unit_ids`
  if (shape.length !== 1) throw new InvalidDataError(`${file} has shape (${shape.join(', ')}); a vector is expected.`, { file, field: 'unit_ids', shape })
  const values = Array.from(data as ArrayLike<unknown>)
  if (!values.every((v) => (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'string')) {
    throw new InvalidDataError(`${file} has dtype ${dtype.descr}; SpikeInterface unit ids are integers or strings.`, { file, field: 'unit_ids', dtype: dtype.descr })
  }
  if (new Set(values.map(String)).size !== values.length) throw new InvalidDataError(`${file} repeats an id.`, { file, field: 'unit_ids' })
  return values as UnitId[]
}

async function groupSegment(group: ZarrGroup, where: string, unitIds: UnitId[], numSegments: number, segmentIndex: number, context: LoadContext): Promise<{ offsets: Float64Array; samples: Float64Array }> {
  const slicesArray = await group.array('spikes/segment_slices')
  const sampleArray = await group.array('spikes/sample_index')
  const unitArray = await group.array('spikes/unit_index')
  const n = sampleArray.shape[0]
  const file = `${where}spikes`
  if (sampleArray.shape.length !== 1 || unitArray.shape.length !== 1 || unitArray.shape[0] !== n) {
    throw new InvalidDataError(`${file}: sample_index has shape (${sampleArray.shape.join(', ')}) and unit_index (${unitArray.shape.join(', ')}); both must be vectors of one entry per spike.`, { file, sampleIndex: [...sampleArray.shape], unitIndex: [...unitArray.shape] })
  }
  const slices = await slicesArray.read({ maxBytes: MAX_SMALL_BYTES })
  if (slices.shape.length !== 2 || slices.shape[0] !== numSegments || slices.shape[1] !== 2) {
    throw new InvalidDataError(`${file}/segment_slices has shape (${slices.shape.join(', ')}); SpikeInterface writes one [start, end) row per segment (${numSegments} x 2).`, { file: `${file}/segment_slices`, field: 'segment_slices', shape: slices.shape })
  }
  const s = slices.data as Float64Array
  const start = s[2 * segmentIndex]
  const end = s[2 * segmentIndex + 1]
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= n)) {
    throw new InvalidDataError(`${file}/segment_slices gives [${start}, ${end}) for segment ${segmentIndex}, outside the ${n} spikes.`, { file: `${file}/segment_slices`, field: 'segment_slices', segment: segmentIndex, start, end, spikes: n })
  }
  // Only the segment's slice of each field is fetched and decoded.
  const units = (await unitArray.read({ selection: [[start, end]], signal: context.signal })).data
  const nUnits = unitIds.length
  const counts = new Float64Array(nUnits)
  for (let i = 0; i < units.length; i++) {
    const u = units[i] as number
    if (!(u >= 0 && u < nUnits)) throw new InvalidDataError(`${file}/unit_index: spike ${start + i} has unit_index ${u}, outside [0, ${nUnits}) given by unit_ids.`, { file: `${file}/unit_index`, field: 'unit_index', index: start + i, value: u, limit: nUnits })
    counts[u]++
  }
  const samples = (await sampleArray.read({ selection: [[start, end]], signal: context.signal })).data
  const { offsets, samples: out, cursor } = allocateGroups(counts)
  const last = new Float64Array(nUnits).fill(-Infinity)
  const unsorted = new Uint8Array(nUnits)
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number
    if (!(v >= 0)) badSample(`${file}/sample_index`, start + i, v)
    const u = units[i] as number
    if (v < last[u]) unsorted[u] = 1
    last[u] = v
    out[cursor[u]++] = v
  }
  const sorted = sortUnsortedUnits(offsets, out, unsorted)
  if (sorted > 0) context.warn('SPIKES_WARN_UNSORTED_SPIKES', `${file}: the spikes of ${sorted} unit(s) were not in time order; they were sorted.`, { file, units: sorted })
  return { offsets, samples: out }
}

/** Every property of properties/ (one row per unit) by its name, as readProperties does for folders. */
async function readZarrProperties(group: ZarrGroup, where: string, nUnits: number, context: LoadContext): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>()
  if ((await group.kind('properties')) !== 'group') return out
  const props = await group.group('properties')
  const names = (await props.children()).filter((c) => c.kind === 'array').map((c) => c.name)
  for (const name of orderProperties(names)) {
    const file = `${where}properties/${name}`
    try {
      const { data, shape } = await (await props.array(name)).read({ maxBytes: MAX_SMALL_BYTES, signal: context.signal })
      const rows = propertyRows(data as ArrayLike<unknown>, shape, nUnits)
      if (rows) out.set(name, rows)
      else context.warn('SPIKES_WARN_PROPERTY', `${file} has shape (${shape.join(', ')}), not one row per unit (${nUnits}); it is ignored.`, { file, shape, units: nUnits })
    } catch (error) {
      if (!isSpikesError(error)) throw error
      context.warn('SPIKES_WARN_PROPERTY', `${file} could not be read (${error.message}); it is ignored.`, { file, code: error.code })
    }
  }
  return out
}

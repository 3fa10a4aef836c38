import { MissingEntryError, SpikeData, UnsupportedError, type ByteSource, type LoadContext, type Source } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { fromJsonValue } from '@spikes/core/json'
import type { Hdf5File } from '@spikes/hdf5'
import type { ResolvedNwbOptions } from '../options.js'
import { readTextDataset, safeAttr } from './h5-util.js'
import { SPIKEDATA_SCRATCH } from './scratch-name.js'
import { chooseUnitsTable } from './find-units.js'
import { ALLOW_NO_UNITS_HINT, readSpikeTimes, findSpikeTimeColumns, missingSpikeTimes } from './read-spike-times.js'
import { electrodeRow, readUnitElectrodes } from './read-electrodes.js'
import { readAttributesJson, readColumns } from './read-columns.js'
import { nwbVersion, readFileMetadata } from './read-metadata.js'

export type Checked = ResolvedNwbOptions

/** Keys the loader derives itself; a Units-table column of the same name is kept as nwb_<name>. */
const DERIVED = new Set(['electrode', 'location', 'location_label', 'group_name'])

function numberAttr(file: Hdf5File, name: string): number | undefined {
  const v = safeAttr(file, '/', name)
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return undefined
}

/** Reads an NWB 2.x file (the loader template has checked the source kind and the options). */
export async function loadNwb(source: Source, options: Checked, context: LoadContext): Promise<SpikeData> {
  if (source.type === 'folder') return (await import('./load-nwb-zarr.js')).loadNwbZarr(source, options, context)
  const bytes = source as ByteSource
  if (options.hdf5Reader !== 'h5wasm') {
    const tree = await (await import('./load-nwb-tree.js')).loadNwbWithTree(bytes, options, context, readNwb)
    if (tree) return tree
  }
  // h5wasm (a 0.3 s module load) only when the tree reader does not read the file, or when asked for.
  const { withHdf5 } = await import('@spikes/hdf5')
  const data = await withHdf5(bytes, (file) => readNwb(file, bytes, options, context), { signal: context.signal, container: context.container })
  return data.with({ metadata: { ...data.metadata, hdf5_reader: 'h5wasm' } })
}

/** The NWB reader over an HDF5 file, or an NWB-Zarr store seen through the same interface (zarr-tree.ts). */
export async function readNwb(file: Hdf5File, source: { path?: string; url?: string; name: string }, options: Checked, context: LoadContext): Promise<SpikeData> {
  const version = nwbVersion(file)
  if (version !== undefined && /^(nwb-)?1\./i.test(version)) {
    throw new UnsupportedError(
      'nwb-1.x',
      `${file.name} is an NWB ${version} file. NWB 1.x (before 2017) stores spikes differently (processing/*/UnitTimes) and is not supported; convert it to NWB 2.x first.`,
      { file: file.name, nwbVersion: version },
    )
  }
  const metadata: Record<string, unknown> = { source_file: source.path ?? source.url ?? source.name, format: 'NWB' }
  const exported = readExported(file)
  if (exported.metadata) {
    Object.assign(metadata, exported.metadata)
    metadata.source_file = source.path ?? source.url ?? source.name
    metadata.format = 'NWB'
  }
  Object.assign(metadata, readFileMetadata(file))

  const startTimeMs = options.startTimeMs ?? exported.startTimeMs ?? 0
  const lengthMs = options.lengthMs ?? exported.lengthMs ?? null

  const metadataOnly = (unitCount?: number): SpikeData => {
    if (unitCount !== undefined) metadata.unit_count = unitCount
    return new SpikeData({ times: new Float64Array(0), offsets: [0], lengthMs: lengthMs ?? 0, startTimeMs, metadata, neuronAttributes: [] })
  }

  const { path: unitsPath, all } = chooseUnitsTable(file, options.unitsTable)
  if (unitsPath === null) {
    if (options.allowNoUnits) return metadataOnly()
    throw new MissingEntryError('/units', file.name, all, [{ kind: 'text', text: 'This NWB file has no Units table (no spike-sorted units).' }, ALLOW_NO_UNITS_HINT])
  }
  const idDs = file.kind(`${unitsPath}/id`) === 'dataset' ? file.dataset(`${unitsPath}/id`) : null
  const idCount = idDs ? (idDs.shape?.[0] ?? idDs.size) : undefined
  if (!findSpikeTimeColumns(file, unitsPath)) {
    if (options.allowNoUnits) return metadataOnly(idCount ?? 0)
    throw missingSpikeTimes(file, unitsPath)
  }
  const { times, offsets, maxMs, timesName, indexName } = await readSpikeTimes(file, unitsPath, idCount ?? undefined, context)
  const N = offsets.length - 1
  metadata.unit_count = idCount ?? N

  const none = exported.noNeuronAttributes || safeAttr(file, unitsPath, 'spikes_neuron_attributes') === 'none'
  const neuronAttributes = none ? null : readJsonOr(file, unitsPath, N) ?? unitAttributes(file, unitsPath, N, idDs, idCount, new Set([timesName, indexName]), options, context)

  const length = lengthMs ?? (times.length ? maxMs - startTimeMs + spacing(maxMs) : 0)
  return new SpikeData({ times, offsets, N, lengthMs: length, startTimeMs, metadata, neuronAttributes })
}

interface Exported {
  metadata?: Record<string, unknown>
  startTimeMs?: number
  lengthMs?: number
  noNeuronAttributes: boolean
}

function parseObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined
  try {
    const parsed = fromJsonValue(JSON.parse(text))
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined // not ours or damaged: ignored
  }
}

/**
 * What exportNwb stored beside the standard fields: /scratch/spikes_spikedata (JSON: window, metadata),
 * or in files of earlier versions (and SpikeLab's exporter) the root attributes length_ms, start_time
 * and spikes_metadata.
 */
function readExported(file: Hdf5File): Exported {
  const scratch = file.kind(`/scratch/${SPIKEDATA_SCRATCH}`) === 'dataset' ? parseObject(readTextDataset(file, `/scratch/${SPIKEDATA_SCRATCH}`)) : undefined
  if (scratch) {
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
    const md = scratch.metadata
    return { metadata: md && typeof md === 'object' && !Array.isArray(md) ? (md as Record<string, unknown>) : undefined, startTimeMs: num(scratch.start_time_ms), lengthMs: num(scratch.length_ms), noNeuronAttributes: scratch.neuron_attributes === 'none' }
  }
  return { metadata: parseObject(safeAttr(file, '/', 'spikes_metadata')), startTimeMs: numberAttr(file, 'start_time'), lengthMs: numberAttr(file, 'length_ms'), noNeuronAttributes: false }
}

function readJsonOr(file: Hdf5File, unitsPath: string, N: number): Record<string, unknown>[] | null {
  const rows = readAttributesJson(file, unitsPath, N)
  return rows ? (rows.map((r) => fromJsonValue(r)) as Record<string, unknown>[]) : null
}

function unitIds(file: Hdf5File, idDs: ReturnType<Hdf5File['dataset']> | null, N: number, context: LoadContext): unknown[] {
  if (!idDs) return Array.from({ length: N }, (_, i) => i)
  if (idDs.isNumeric()) {
    const values = idDs.readNumeric()
    return Array.from(values, (v) => (Number.isFinite(v) ? Math.trunc(v) : v))
  }
  if (idDs.dtype.class === 'string') {
    return idDs.readStrings().map((text) => {
      const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(text)
      if (m) {
        const n = Number(m[1].replace(/_/g, ''))
        if (Number.isSafeInteger(n)) return n
      }
      context.warn('SPIKES_WARN_NWB_UNIT_ID_NOT_INT', `NWB unit id '${text}' is not coercible to int; storing the text on neuron_attributes['unit_id'].`, { unitId: text })
      return text
    })
  }
  context.warn('SPIKES_WARN_NWB_UNIT_ID_NOT_INT', `${idDs.path} holds ${idDs.dtype.numpy}; unit ids are the row numbers instead.`, { dataset: idDs.path })
  return Array.from({ length: N }, (_, i) => i)
}

function unitAttributes(file: Hdf5File, unitsPath: string, N: number, idDs: ReturnType<Hdf5File['dataset']> | null, idCount: number | undefined, skip: Set<string>, options: Checked, context: LoadContext): Record<string, unknown>[] {
  const ids = unitIds(file, idDs, N, context)
  const attrs: Record<string, unknown>[] = Array.from({ length: N }, (_, i) => ({ unit_id: ids[i] ?? i }))
  const electrodes = readUnitElectrodes(file, unitsPath, N, idCount, context)
  if (electrodes) {
    electrodes.units.forEach((u, i) => {
      if (!u) return
      const a = attrs[i]
      a.electrode = u.electrode
      if (u.row === null || !electrodes.table) return
      const row = electrodeRow(electrodes.table, u.row)
      const location = (['x', 'y', 'z'] as const).filter((c) => row[c] !== undefined).map((c) => row[c] as number)
      if (location.length) a.location = location
      if (row.location !== undefined) a.location_label = row.location
      if (row.group_name !== undefined) a.group_name = row.group_name
    })
  }
  for (const column of readColumns(file, unitsPath, N, options.columns, skip, context)) {
    const key = column.name === 'unit_id' ? 'unit_id' : DERIVED.has(column.name) ? `nwb_${column.name}` : column.name
    column.values.forEach((v, i) => {
      attrs[i][key] = v
    })
  }
  return attrs
}

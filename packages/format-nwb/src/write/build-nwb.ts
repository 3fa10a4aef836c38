import { InvalidArgumentError, SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { h5, type H5Attrs, type H5GroupSpec, type H5NodeSpec } from './tree.js'
import { msToSeconds } from './seconds.js'
import { objectIdFactory } from './object-ids.js'

/** NWB schema version the writer produces, stored as the root `nwb_version` attribute. */
export const NWB_VERSION = '2.6.0'
export const ATTRIBUTES_JSON_COLUMN = 'spikes_neuron_attributes'
const RESERVED = new Set(['unit_id', 'electrode', 'location', 'location_label', 'group_name'])
/** Columns the Units schema defines with their own types; neuron attributes of these names stay in the JSON copy only. */
const UNITS_SCHEMA = new Set(['id', 'spike_times', 'obs_intervals', 'electrodes', 'electrode_group', 'waveform_mean', 'waveform_sd', 'waveforms', ATTRIBUTES_JSON_COLUMN])
const META_SKIP = new Set(['provenance', 'source_file', 'format'])

/** Options of {@link buildNwbTree} and {@link exportNwb}; all optional. */
export interface BuildNwbOptions {
  /** The file's `identifier` (default: the data's `metadata.identifier`, else a generated UUID). */
  identifier?: string
  /** Default: the data's `metadata.session_description`, else a fixed text naming `@spikes/format-nwb`. */
  sessionDescription?: string
  /**
   * ISO 8601 text (written as given, trimmed) or a Date; also used as timestamps_reference_time.
   * Default: the data's `metadata.session_start_time`, else the current time.
   */
  sessionStartTime?: string | Date
  /** ISO 8601 text or a Date (default: the current time). */
  fileCreateDate?: string | Date
  /** Makes object_id values reproducible (same seed, same ids). */
  objectIdSeed?: string
  /** gzip level for spike_times (default 4; 0 = no compression). */
  gzip?: number
  /** Elements per chunk of spike_times (default 262144). */
  chunkSize?: number
  /** Device and electrode-group name used when the data names none (default 'probe'). */
  deviceName?: string
  /**
   * Also store each unit's neuron attributes as JSON in a spikes_neuron_attributes column (default true),
   * so that `@spikes` reads back exactly what was written; the standard columns are written either way.
   */
  attributesJson?: boolean
}

function isoText(value: string | Date | undefined, fallback: () => string): string {
  if (value instanceof Date) return value.toISOString()
  return typeof value === 'string' && value.trim() ? value.trim() : fallback()
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

interface ElectrodeRowSpec {
  id: number | string | undefined
  location: number[]
  label: string
  group: string
}

/** The NWB 2.6 tree of a SpikeData: the required root datasets and groups, electrodes and a Units table. */
export function buildNwbTree(sd: SpikeData, options: BuildNwbOptions = {}): H5GroupSpec {
  if (!(sd instanceof SpikeData)) throw new InvalidArgumentError('spikeData', sd, 'a SpikeData')
  const gzip = options.gzip ?? 4
  if (!(Number.isInteger(gzip) && gzip >= 0 && gzip <= 9)) throw new InvalidArgumentError('gzip', gzip, 'an integer level 0-9')
  const chunkSize = options.chunkSize ?? 1 << 18
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new InvalidArgumentError('chunkSize', chunkSize, 'a positive number of elements')
  const oid = objectIdFactory(options.objectIdSeed)
  const md = sd.metadata
  const deviceName = text(options.deviceName) ?? 'probe'
  const attrs = sd.neuronAttributes ?? Array.from({ length: sd.N }, () => ({}) as Record<string, unknown>)

  const now = new Date().toISOString()
  const given = options.sessionStartTime instanceof Date ? options.sessionStartTime : text(options.sessionStartTime)
  const sessionStart = isoText(given ?? text(md.session_start_time), () => now)
  const identifier = text(options.identifier) ?? text(md.identifier) ?? oid()
  const description = text(options.sessionDescription) ?? text(md.session_description) ?? 'Spike trains exported by @spikes/format-nwb'

  const vectorData = (descriptionText: string): H5Attrs => ({ namespace: 'hdmf-common', neurodata_type: 'VectorData', object_id: oid(), description: descriptionText })
  const vectorIndex = (target: string): H5Attrs => ({ namespace: 'hdmf-common', neurodata_type: 'VectorIndex', object_id: oid(), description: `Index for VectorData '${target.slice(target.lastIndexOf('/') + 1)}'`, target: h5.ref(target) })
  const elementIds = (): H5Attrs => ({ namespace: 'hdmf-common', neurodata_type: 'ElementIdentifiers', object_id: oid() })

  // Electrode rows: one per distinct electrode (or location when no electrode is given).
  const rows: ElectrodeRowSpec[] = []
  const rowOf = new Map<string, number>()
  const unitRow: (number | null)[] = attrs.map((a) => {
    const electrode = typeof a.electrode === 'number' || typeof a.electrode === 'string' ? a.electrode : undefined
    const location = Array.isArray(a.location) || ArrayBuffer.isView(a.location) ? Array.from(a.location as ArrayLike<number>).map(Number).slice(0, 3) : []
    if (electrode === undefined && location.length === 0) return null
    const key = electrode !== undefined ? `e:${JSON.stringify(electrode)}` : `l:${JSON.stringify(location)}`
    let row = rowOf.get(key)
    if (row === undefined) {
      row = rows.length
      rowOf.set(key, row)
      rows.push({ id: electrode, location, label: text(a.location_label) ?? '', group: text(a.group_name) ?? deviceName })
    }
    return row
  })

  const general: Record<string, H5NodeSpec> = {}
  const deviceNames = new Set<string>(Array.isArray(md.device_names) ? (md.device_names as unknown[]).filter((d): d is string => typeof d === 'string' && d.trim() !== '' && !d.includes('/')) : [])
  if (rows.length) deviceNames.add(deviceName)
  if (deviceNames.size) {
    general.devices = h5.group(Object.fromEntries([...deviceNames].map((name) => [name, h5.group({}, { namespace: 'core', neurodata_type: 'Device', object_id: oid(), description: 'recording device' })])))
  }
  const subject: Record<string, H5NodeSpec> = {}
  for (const key of ['subject_id', 'species', 'sex', 'age', 'date_of_birth']) {
    const v = text(md[key])
    if (v) subject[key] = h5.dataset(v)
  }
  if (Object.keys(subject).length) general.subject = h5.group(subject, { namespace: 'core', neurodata_type: 'Subject', object_id: oid() })

  const ELECTRODES = '/general/extracellular_ephys/electrodes'
  if (rows.length) {
    const groups = [...new Set(rows.map((r) => r.group.replace(/\//g, '_')))]
    const ecephys: Record<string, H5NodeSpec> = {}
    for (const g of groups) {
      ecephys[g] = h5.group({ device: h5.link(`/general/devices/${deviceName}`) }, { namespace: 'core', neurodata_type: 'ElectrodeGroup', object_id: oid(), description: 'electrode group', location: 'unknown' })
    }
    const ids = rows.map((r) => r.id)
    const idsAreInts = ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id)) && new Set(ids).size === ids.length
    const dims = Math.max(0, ...rows.map((r) => r.location.length))
    const table: Record<string, H5NodeSpec> = {
      id: h5.dataset(BigInt64Array.from(rows, (r, i) => BigInt(idsAreInts ? (r.id as number) : i)), { attrs: elementIds() }),
    }
    const colnames: string[] = []
    ;(['x', 'y', 'z'] as const).slice(0, dims).forEach((c, d) => {
      table[c] = h5.dataset(Float64Array.from(rows, (r) => (d < r.location.length ? r.location[d] : NaN)), { attrs: vectorData(`the ${c} coordinate of the channel location`) })
      colnames.push(c)
    })
    table.location = h5.dataset(rows.map((r) => r.label), { attrs: vectorData('the location of channel within the subject e.g. brain region') })
    table.group = h5.dataset(rows.map((r) => h5.ref(`/general/extracellular_ephys/${r.group.replace(/\//g, '_')}`)), { attrs: vectorData('a reference to the ElectrodeGroup this electrode is a part of') })
    table.group_name = h5.dataset(rows.map((r) => r.group), { attrs: vectorData('the name of the ElectrodeGroup this electrode is a part of') })
    colnames.push('location', 'group', 'group_name')
    ecephys.electrodes = h5.group(table, { namespace: 'hdmf-common', neurodata_type: 'DynamicTable', object_id: oid(), description: 'metadata about extracellular electrodes', colnames })
    general.extracellular_ephys = h5.group(ecephys)
  }

  // Units table.
  const N = sd.N
  const units: Record<string, H5NodeSpec> = {}
  const colnames = ['spike_times']
  const unitIds = attrs.map((a) => a.unit_id)
  const intIds = unitIds.every((u) => typeof u === 'number' && Number.isSafeInteger(u))
  units.id = h5.dataset(BigInt64Array.from({ length: N }, (_, i) => BigInt(intIds ? (unitIds[i] as number) : i)), { attrs: elementIds() })
  const seconds = msToSeconds(sd.times)
  units.spike_times = h5.dataset(seconds, { chunks: seconds.length ? [Math.min(chunkSize, seconds.length)] : undefined, gzip: gzip || undefined, attrs: vectorData('the spike times for each unit in seconds') })
  units.spike_times_index = h5.dataset(BigInt64Array.from({ length: N }, (_, i) => BigInt(sd.offsets[i + 1])), { attrs: vectorIndex('/units/spike_times') })
  if (rows.length) {
    const flat: number[] = []
    const ends: number[] = []
    for (const r of unitRow) {
      if (r !== null) flat.push(r)
      ends.push(flat.length)
    }
    units.electrodes = h5.dataset(BigInt64Array.from(flat, BigInt), {
      attrs: { namespace: 'hdmf-common', neurodata_type: 'DynamicTableRegion', object_id: oid(), description: 'the electrodes that each spike unit came from', table: h5.ref(ELECTRODES) },
    })
    units.electrodes_index = h5.dataset(BigInt64Array.from(ends, BigInt), { attrs: vectorIndex('/units/electrodes') })
    colnames.push('electrodes')
  }
  if (!intIds && N > 0 && sd.neuronAttributes) {
    units.unit_id = h5.dataset(unitIds.map((u) => (u === undefined || u === null ? '' : String(u))), { attrs: vectorData('unit ids that are not integers (NWB ids must be)') })
    colnames.push('unit_id')
  }
  for (const key of scalarColumns(attrs)) {
    const values = attrs.map((a) => a[key])
    if (values.every((v) => v === undefined || v === null || typeof v === 'number')) {
      units[key] = h5.dataset(Float64Array.from(values, (v) => (typeof v === 'number' ? v : NaN)), { attrs: vectorData(key) })
    } else {
      units[key] = h5.dataset(values.map((v) => (typeof v === 'string' ? v : '')), { attrs: vectorData(key) })
    }
    colnames.push(key)
  }
  if (sd.neuronAttributes && N > 0 && options.attributesJson !== false) {
    units[ATTRIBUTES_JSON_COLUMN] = h5.dataset(attrs.map((a) => JSON.stringify(toJsonValue(a))), { attrs: vectorData('the SpikeData neuron attributes of each unit, as JSON (exact copy for @spikes)') })
    colnames.push(ATTRIBUTES_JSON_COLUMN)
  }

  const rootAttrs: Record<string, H5Attrs[string]> = {
    namespace: 'core',
    neurodata_type: 'NWBFile',
    nwb_version: NWB_VERSION,
    object_id: oid(),
    length_ms: sd.lengthMs,
    start_time: sd.startTimeMs,
  }
  const keep = Object.fromEntries(Object.entries(md).filter(([k]) => !META_SKIP.has(k)))
  if (Object.keys(keep).length) rootAttrs.spikes_metadata = JSON.stringify(toJsonValue(keep))

  return h5.group(
    {
      acquisition: h5.group(),
      analysis: h5.group(),
      file_create_date: h5.dataset([isoText(options.fileCreateDate, () => now)]),
      general: h5.group(general),
      identifier: h5.dataset(identifier),
      processing: h5.group(),
      session_description: h5.dataset(description),
      session_start_time: h5.dataset(sessionStart),
      stimulus: h5.group({ presentation: h5.group(), templates: h5.group() }),
      timestamps_reference_time: h5.dataset(sessionStart),
      units: h5.group(units, {
        namespace: 'core',
        neurodata_type: 'Units',
        object_id: oid(),
        description: 'units exported by @spikes/format-nwb',
        colnames,
        // The SpikeData had no neuron attributes at all: say so, so that reading it back gives null again.
        ...(sd.neuronAttributes === null && options.attributesJson !== false ? { spikes_neuron_attributes: 'none' } : {}),
      }),
    },
    rootAttrs,
  )
}

/** Neuron-attribute keys written as standard columns: one number or string per unit (missing allowed). */
function scalarColumns(attrs: Record<string, unknown>[]): string[] {
  const keys = new Set<string>()
  for (const a of attrs) for (const k of Object.keys(a)) keys.add(k)
  return [...keys].filter((k) => {
    if (RESERVED.has(k) || UNITS_SCHEMA.has(k) || k.endsWith('_index') || k.includes('/') || k === '.' || k === '..') return false
    const values = attrs.map((a) => a[k]).filter((v) => v !== undefined && v !== null)
    if (!values.length) return false
    return values.every((v) => typeof v === 'number') || values.every((v) => typeof v === 'string')
  })
}

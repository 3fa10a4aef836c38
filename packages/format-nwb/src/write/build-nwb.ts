import { InvalidArgumentError, SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { h5, type H5Attrs, type H5GroupSpec, type H5NodeSpec } from './tree.js'
import { objectIdFactory } from './object-ids.js'
import { hdmf } from './hdmf.js'
import { buildElectrodes } from './electrodes.js'
import { buildUnits } from './units.js'
import { generalFields, generalKeys } from './general.js'
import { intervalsGroup, intervalTables } from './intervals.js'
import { specificationsGroup } from './specifications.js'
import { electricalSeries } from './electrical-series.js'
import { writableDatetime } from './write-datetime.js'

export { ATTRIBUTES_JSON_COLUMN } from './units.js'
/** NWB schema version the writer produces, stored as the root `nwb_version` attribute. */
export const NWB_VERSION = '2.6.0'
export { SPIKEDATA_SCRATCH } from '../lib/scratch-name.js'
import { SPIKEDATA_SCRATCH } from '../lib/scratch-name.js'
const META_SKIP = new Set(['provenance', 'source_file', 'source_folder', 'source_format', 'format'])
/** Metadata keys that are derived from the file when it is read, never data of their own. */
const DERIVED = new Set([...META_SKIP, 'nwb_version', 'unit_count', 'identifier', 'session_description', 'session_start_time', 'device_names', 'electrodes_by_channel', 'electrode_ids', 'electrode_columns', 'electrode_groups', 'electrode_row_groups'])

/** A warning the writer raises (the loaders' shape). */
export interface ExportWarning {
  code: string
  message: string
  details?: Record<string, unknown>
}

/** Options of {@link buildNwbTree} and {@link exportNwb}; all optional. */
export interface BuildNwbOptions {
  /** The file's `identifier` (default: the data's `metadata.identifier`, else a generated UUID). */
  identifier?: string
  /** Default: the data's `metadata.session_description`, else a fixed text naming `@spikes/format-nwb`. */
  sessionDescription?: string
  /**
   * ISO 8601 text (written as given, trimmed) or a Date; also used as timestamps_reference_time. It replaces
   * the data's own, with the warning SPIKES_WARN_NWB_SESSION_START_REPLACED when that is another instant.
   * Default: the data's `metadata.session_start_time`; without one, the time of writing, with the
   * warning SPIKES_WARN_NWB_SESSION_START_MISSING.
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
  /** Write the SpikeData's raw traces as an ElectricalSeries in /acquisition (default false). */
  rawTraces?: boolean
  /** Receives the writer's warnings (a missing session start, what NWB cannot hold). */
  onWarning?: (warning: ExportWarning) => void
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

function checkOptions(sd: SpikeData, options: BuildNwbOptions): { gzip: number; chunkSize: number } {
  if (!(sd instanceof SpikeData)) throw new InvalidArgumentError('spikeData', sd, 'a SpikeData')
  return checkExportOptions(options)
}

/** Checks the options that need no data (gzip, chunkSize, dates): convertToNwb runs it before it loads. */
export function checkExportOptions(options: BuildNwbOptions): { gzip: number; chunkSize: number } {
  const gzip = options.gzip ?? 4
  if (!(Number.isInteger(gzip) && gzip >= 0 && gzip <= 9)) throw new InvalidArgumentError('gzip', gzip, 'an integer level 0-9')
  const chunkSize = options.chunkSize ?? 1 << 18
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new InvalidArgumentError('chunkSize', chunkSize, 'a positive number of elements')
  for (const key of ['sessionStartTime', 'fileCreateDate'] as const) {
    if (options[key] !== undefined && writableDatetime(options[key]) === undefined) throw new InvalidArgumentError(key, options[key], 'an ISO 8601 date and time such as 2024-01-02T03:04:05Z, or a valid Date')
  }
  return { gzip, chunkSize }
}

/**
 * The NWB 2.6 tree of a SpikeData: the required root datasets and groups, the general metadata (subject,
 * lab, institution, experimenter...), the electrodes table, a Units table, trials and other intervals, the
 * cached schema under /specifications, and the SpikeData-only fields as JSON in /scratch.
 */
export function buildNwbTree(sd: SpikeData, options: BuildNwbOptions = {}): H5GroupSpec {
  const { gzip, chunkSize } = checkOptions(sd, options)
  const t = hdmf(objectIdFactory(options.objectIdSeed))
  const md = sd.metadata
  const warn = (code: string, message: string, details?: Record<string, unknown>) => options.onWarning?.({ code, message, details })
  const deviceName = text(options.deviceName) ?? 'probe'
  const attrs = sd.neuronAttributes ?? Array.from({ length: sd.N }, () => ({}) as Record<string, unknown>)

  const now = new Date().toISOString()
  const sessionStart = sessionStartText(options, md, now, warn)
  const identifier = text(options.identifier) ?? text(md.identifier) ?? t.oid()
  const description = text(options.sessionDescription) ?? text(md.session_description) ?? 'Spike trains exported by @spikes/format-nwb'

  const channels = options.rawTraces && sd.rawData ? (sd.rawData.shape[0] ?? 0) : 0
  const electrodes = buildElectrodes(attrs, md, deviceName, t, channels)
  const units = buildUnits(sd, attrs, electrodes.unitRow, electrodes.rows, { gzip, chunkSize, attributesJson: options.attributesJson !== false }, t, electrodes.groupPaths)
  const intervals = intervalTables(md)
  const intervalNodes = intervalsGroup(intervals.tables, t)

  const general: Record<string, H5NodeSpec> = generalFields(md, t, warn)
  const deviceNames = new Set<string>(Array.isArray(md.device_names) ? (md.device_names as unknown[]).filter((d): d is string => typeof d === 'string' && d.trim() !== '' && !d.includes('/')) : [])
  for (const d of electrodes.devices) deviceNames.add(d)
  if (deviceNames.size) general.devices = h5.group(Object.fromEntries([...deviceNames].map((name) => [name, h5.group({}, t.typed('core', 'Device', { description: 'recording device' }))])))
  if (electrodes.ecephys) general.extracellular_ephys = h5.group(electrodes.ecephys)

  const acquisition: Record<string, H5NodeSpec> = {}
  if (channels > 0) acquisition.ElectricalSeries = electricalSeries(sd, electrodes.channelRows, t)
  else if (options.rawTraces) warn('SPIKES_WARN_NWB_NO_RAW_TRACES', 'Raw traces were asked for (rawTraces, --raw-traces), but the data carries none, so the file has no ElectricalSeries. The loaders that attach raw traces are hdf5 (rawDataset), hdf5-threshold, spikeinterface-recording and pickle; the nwb loader reads the Units table only.')

  reportUnrepresented(sd, options, units.dropped, intervals.consumed, intervalNodes.dropped, warn)

  const children: Record<string, H5NodeSpec> = {
    acquisition: h5.group(acquisition),
    analysis: h5.group(),
    file_create_date: h5.dataset([writableDatetime(options.fileCreateDate)?.text ?? now]),
    general: h5.group(general),
    identifier: h5.dataset(identifier),
    processing: h5.group(),
    scratch: h5.group({ [SPIKEDATA_SCRATCH]: scratchData(sd, options, t) }),
    session_description: h5.dataset(description),
    session_start_time: h5.dataset(sessionStart),
    specifications: specificationsGroup(),
    stimulus: h5.group({ presentation: h5.group(), templates: h5.group() }),
    timestamps_reference_time: h5.dataset(sessionStart),
    units: units.group,
  }
  if (intervalNodes.group) children.intervals = intervalNodes.group
  const rootAttrs: H5Attrs = { ...t.typed('core', 'NWBFile'), nwb_version: NWB_VERSION, '.specloc': h5.ref('/specifications') }
  return h5.group(children, rootAttrs)
}

/**
 * session_start_time: the option (with SPIKES_WARN_NWB_SESSION_START_REPLACED when the data has another), else
 * the data's own (UTC assumed, with a warning, when it has no offset); when neither is a date and time, the time
 * of writing with SPIKES_WARN_NWB_SESSION_START_MISSING.
 */
function sessionStartText(options: BuildNwbOptions, md: Record<string, unknown>, now: string, warn: WarnFn): string {
  const given = writableDatetime(options.sessionStartTime)
  const own = writableDatetime(md.session_start_time)
  if (given) {
    if (own && Date.parse(own.text) !== Date.parse(given.text)) warn('SPIKES_WARN_NWB_SESSION_START_REPLACED', `The data's own session start time '${String(md.session_start_time)}' is replaced by the one given, ${given.text}. Leave sessionStartTime (--session-start on the command line) out to keep the data's own.`, { found: md.session_start_time, written: given.text })
    return given.text
  }
  if (own?.assumedUtc) warn('SPIKES_WARN_NWB_DATETIME_ASSUMED_UTC', `The data's session start time '${String(md.session_start_time)}' has no time zone; it is written as UTC (${own.text}), since NWB readers refuse a time without one. Pass sessionStartTime (--session-start on the command line) with the right offset if it was local time.`, { field: 'session_start_time', found: md.session_start_time, written: own.text })
  if (own) return own.text
  const found = text(md.session_start_time)
  const why = found ? `The data's session start time '${found}' is not an ISO 8601 date and time` : 'The data has no session start time'
  warn('SPIKES_WARN_NWB_SESSION_START_MISSING', `${why}; session_start_time is set to the time of writing (${now}). Pass sessionStartTime (--session-start on the command line) with the real start of the recording.`, { written: now, ...(found ? { found } : {}) })
  return now
}

type WarnFn = (code: string, message: string, details?: Record<string, unknown>) => void

/** The SpikeData fields NWB has no place for, as one JSON ScratchData (read back by the nwb loader). */
function scratchData(sd: SpikeData, options: BuildNwbOptions, t: ReturnType<typeof hdmf>): H5NodeSpec {
  const metadata = Object.fromEntries(Object.entries(sd.metadata).filter(([k]) => !META_SKIP.has(k)))
  const value = {
    length_ms: sd.lengthMs,
    start_time_ms: sd.startTimeMs,
    neuron_attributes: sd.neuronAttributes === null && options.attributesJson !== false ? 'none' : 'units',
    metadata: toJsonValue(metadata),
  }
  return h5.dataset(JSON.stringify(value), { attrs: t.typed('core', 'ScratchData', { notes: 'SpikeData fields without an NWB place (recording window in ms, metadata), as JSON, for @spikes' }) })
}

/** One warning naming everything that has no standard NWB place. */
function reportUnrepresented(sd: SpikeData, options: BuildNwbOptions, droppedAttributes: string[], usedMetadata: string[], droppedIntervals: string[], warn: (code: string, message: string, details?: Record<string, unknown>) => void): void {
  const used = new Set([...DERIVED, ...generalKeys(), ...usedMetadata])
  const metadata = Object.keys(sd.metadata).filter((k) => !used.has(k))
  const raw = sd.rawData && !options.rawTraces ? ['rawData'] : []
  const parts: string[] = []
  if (droppedAttributes.length) parts.push(`neuron attributes without a Units column: ${droppedAttributes.join(', ')}`)
  if (metadata.length) parts.push(`metadata keys without an NWB field: ${metadata.join(', ')}`)
  if (droppedIntervals.length) parts.push(`interval columns: ${droppedIntervals.join(', ')}`)
  if (raw.length) parts.push('raw traces (pass rawTraces: true to write them as an ElectricalSeries)')
  if (!parts.length) return
  warn(
    'SPIKES_WARN_NWB_EXPORT_NOT_REPRESENTED',
    `NWB has no standard place for: ${parts.join('; ')}. They are kept as JSON (/scratch/${SPIKEDATA_SCRATCH} and the ${'spikes_neuron_attributes'} column), which @spikes reads back but other NWB tools do not interpret.`,
    { neuronAttributes: droppedAttributes, metadata, intervals: droppedIntervals, rawData: raw.length > 0 },
  )
}

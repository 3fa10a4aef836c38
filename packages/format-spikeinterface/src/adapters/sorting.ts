// SpikeLab's load_spikedata_from_spikeinterface: a SortingExtractor-like object -> SpikeData.
import { InvalidArgumentError, InvalidDataError, SpikeData, WarningCollector, type Attributes, type WarningHandler } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { checkSegmentIndex, checkSegments, method } from './extractor.js'
import type { SortingExtractorLike, ExtractorUnitId } from './types.js'
import { CHANNEL_PROPERTIES, LOCATION_PROPERTIES, normalizeId, propertyRows, sameId, samplesToMs, toInt, toLocation, trainLength } from './values.js'

/** Options of loadSpikeDataFromSpikeInterface. */
export interface SpikeInterfaceSortingOptions {
  /** Overrides the sorting's own sampling frequency (Hz). */
  samplingFrequency?: number | null
  /** Units to load, in this order (default: all, in getUnitIds() order). */
  unitIds?: readonly ExtractorUnitId[] | null
  /** Segment of a multi-segment sorting (default 0). */
  segmentIndex?: number
  /** Receives warnings as they are raised; they are also on the result's `warnings`. */
  onWarning?: WarningHandler
}


export function checkSamplingFrequency(value: unknown, what: string): number {
  const fs = typeof value === 'bigint' ? Number(value) : value
  if (typeof fs !== 'number' || !(fs > 0) || !Number.isFinite(fs)) {
    throw new InvalidDataError(`${what} reports a sampling frequency of ${String(value)}; a positive, finite rate in Hz is required. Pass samplingFrequency to override it.`, { samplingFrequency: String(value) })
  }
  return fs
}


/** The first of `names` the extractor has a value for (SpikeLab's property search). */
async function findProperty(sorting: SortingExtractorLike, names: readonly string[], keys: Set<string> | null): Promise<unknown[] | null> {
  const get = method(sorting, 'getProperty')
  if (!get) return null
  for (const name of names) {
    if (keys && !keys.has(name)) continue
    let value: unknown
    try {
      value = await get(name)
    } catch {
      continue // absent property: SpikeInterface raises, SpikeLab moves on
    }
    const rows = propertyRows(value)
    if (rows) return rows
  }
  return null
}

/**
 * SpikeData from a SpikeInterface-like sorting (SpikeLab's load_spikedata_from_spikeinterface).
 * Spike trains (samples) become ms as v / fs * 1e3; neuronAttributes get `unit_id` and, when the
 * sorting has them, `electrode` (properties channel / ch / peak_channel / electrode) and `location`
 * (location / unit_location / position); metadata is { source_format: 'SpikeInterface', unit_ids,
 * fs_Hz }. Length: the latest spike plus one float step.
 */
export async function loadSpikeDataFromSpikeInterface(sorting: SortingExtractorLike, options: SpikeInterfaceSortingOptions = {}): Promise<SpikeData> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object')
  const getIds = sorting && typeof sorting === 'object' ? method(sorting, 'getUnitIds') : null
  const getFs = getIds ? method(sorting, 'getSamplingFrequency') : null
  const getTrain = getIds ? method(sorting, 'getUnitSpikeTrain') : null
  if (!getIds || !getFs || !getTrain) {
    throw new InvalidArgumentError('sorting', sorting, 'a SpikeInterface SortingExtractor-like object with getUnitIds(), getSamplingFrequency() and getUnitSpikeTrain(unitId, { segmentIndex })')
  }
  const override = options.samplingFrequency ?? null
  if (override !== null && (typeof override !== 'number' || !(override > 0) || !Number.isFinite(override))) {
    throw new InvalidArgumentError('samplingFrequency', override, 'a positive, finite sampling frequency in Hz (or null to use the sorting’s own)')
  }
  const segmentIndex = checkSegmentIndex(options.segmentIndex)
  const requested = options.unitIds ?? null
  if (requested !== null && (typeof requested !== 'object' || typeof (requested as ArrayLike<unknown>).length !== 'number')) {
    throw new InvalidArgumentError('unitIds', requested, 'an array of unit ids (numbers or strings), or null for all units')
  }

  const warnings = new WarningCollector(options.onWarning)
  const fs = override ?? checkSamplingFrequency(await getFs(), 'The sorting')
  const rawIds = await getIds()
  if (!rawIds || typeof (rawIds as ArrayLike<unknown>).length !== 'number') throw new InvalidDataError('sorting.getUnitIds() did not return an array of unit ids.', {})
  const available = Array.from(rawIds as ArrayLike<unknown>, (id) => normalizeId(id, 'sorting.getUnitIds()'))

  const ids = requested === null ? available : selectUnits(available, requested as ArrayLike<unknown>)

  await checkSegments(sorting, segmentIndex, options.segmentIndex !== undefined, warnings, 'sorting')

  // Properties are aligned with getUnitIds(): a unit's value is at its position there.
  const getKeys = method(sorting, 'getPropertyKeys')
  const keys = getKeys ? new Set(Array.from(((await getKeys()) ?? []) as ArrayLike<string>, String)) : null
  const channel = await findProperty(sorting, CHANNEL_PROPERTIES, keys)
  const location = await findProperty(sorting, LOCATION_PROPERTIES, keys)

  const trains: unknown[] = []
  let total = 0
  for (const id of ids) {
    const train = await getTrain(id, { segmentIndex })
    const n = trainLength(train)
    if (n < 0) throw new InvalidDataError(`getUnitSpikeTrain(${String(id)}) returned ${train === null ? 'null' : typeof train}; expected an array of sample indices.`, { unitId: String(id) })
    trains.push(train)
    total += n
  }
  const times = new Float64Array(total)
  const offsets = new Float64Array(ids.length + 1)
  const neuronAttributes: Attributes[] = []
  let maxLast = -Infinity
  ids.forEach((id, i) => {
    const at = offsets[i]
    samplesToMs(trains[i], fs, times, at, id)
    const n = trainLength(trains[i])
    offsets[i + 1] = at + n
    for (let k = at; k < at + n; k++) if (times[k] > maxLast) maxLast = times[k]
    const attr: Attributes = { unit_id: id }
    const row = available.findIndex((a) => sameId(a, id))
    if (channel && row < channel.length) {
      const electrode = toInt(channel[row])
      if (electrode === null) throw new InvalidDataError(`The channel property of unit ${String(id)} is ${String(channel[row])}; expected an integer channel.`, { unitId: String(id), value: String(channel[row]) })
      attr.electrode = electrode
    }
    if (location && row < location.length && location[row] !== null && location[row] !== undefined) attr.location = toLocation(location[row])
    neuronAttributes.push(attr)
  })

  return new SpikeData({
    times,
    offsets,
    // _build_spikedata: the latest spike plus one float step (true maximum, as in DEVIATIONS D1).
    // A negative latest spike is left to the constructor's "before start" check.
    lengthMs: total > 0 && Number.isFinite(maxLast) ? Math.max(0, maxLast - 0 + spacing(maxLast)) : 0,
    startTimeMs: 0,
    neuronAttributes,
    metadata: { source_format: 'SpikeInterface', unit_ids: ids, fs_Hz: fs },
    warnings: warnings.warnings,
  })
}

/** The requested unit ids, each of which must be in the sorting. */
function selectUnits(available: ExtractorUnitId[], requested: ArrayLike<unknown>): ExtractorUnitId[] {
  const wanted = Array.from(requested, (id) => normalizeId(id, 'unitIds'))
  const missing = wanted.filter((id) => !available.some((a) => sameId(a, id)))
  if (missing.length) {
    const show = (list: ExtractorUnitId[]) => list.slice(0, 50).map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ') + (list.length > 50 ? ', ...' : '')
    throw new InvalidArgumentError('unitIds', show(missing), `ids present in the sorting (available: ${show(available)})`)
  }
  return wanted
}

import { InvalidArgumentError, InvalidDataError, SpikeData, type LoadContext } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import type { CheckedSpikeinterfaceOptions } from '../../options.js'
import { idKey, type UnitId } from './unit-id.js'
import { UnknownUnitIdsError } from './errors.js'
import type { GroupedSorting } from './grouped.js'
import { CHANNEL_PROPERTIES, LOCATION_PROPERTIES, toInt } from '../../adapters/index.js'

/** Checks the segment option against the sorting's segment count; warns when several exist and none was chosen. */
export function checkSegment(opts: CheckedSpikeinterfaceOptions, numSegments: number, what: string, context: LoadContext): void {
  if (opts.segmentIndex >= numSegments) {
    throw new InvalidArgumentError('segmentIndex', opts.segmentIndex, `a segment index below ${numSegments} (${what} has ${numSegments} segment${numSegments === 1 ? '' : 's'})`)
  }
  if (numSegments > 1 && !opts.segmentGiven) {
    context.warn('SPIKES_WARN_SEGMENTS', `${what} has ${numSegments} segments; segment 0 was loaded. Pass segmentIndex to choose another.`, { segments: numSegments, segmentIndex: 0 })
  }
}

/**
 * SpikeLab's mapping from a grouped sorting to SpikeData: the unitIds subset (in its order), times
 * v / fs * 1e3 ms, neuron attributes { unit_id, electrode?, location? } plus every other unit property
 * under its SpikeInterface name (2-D ones as lists) (+ curation_labels when a
 * curation was applied; a SpikeInterface-format curation's label attributes from `extraAttributes`, one per
 * grouped unit), lengthMs from the option or the latest spike plus one float step.
 * Without a subset the sample array is converted in place (no second copy).
 */
export function toSpikeData(sorting: GroupedSorting, fs: number, opts: CheckedSpikeinterfaceOptions, metadata: Record<string, unknown>, labels: string[][] | undefined, extraAttributes?: Record<string, unknown>[]): SpikeData {
  const index = new Map(sorting.unitIds.map((id, k) => [idKey(id), k]))
  let rows: number[]
  if (opts.unitIds) {
    const missing = opts.unitIds.filter((id) => !index.has(idKey(id)))
    if (missing.length) throw new UnknownUnitIdsError(missing, sorting.unitIds)
    rows = opts.unitIds.map((id) => index.get(idKey(id))!)
  } else {
    rows = sorting.unitIds.map((_, k) => k)
  }
  const identity = rows.length === sorting.unitIds.length && rows.every((k, i) => k === i)
  const src = sorting.samples
  let times: Float64Array
  let offsets: Float64Array
  let max = -Infinity
  if (identity) {
    times = src
    offsets = sorting.offsets
    for (let i = 0; i < times.length; i++) {
      const v = (times[i] / fs) * 1e3
      times[i] = v
      if (v > max) max = v
    }
  } else {
    offsets = new Float64Array(rows.length + 1)
    rows.forEach((k, i) => (offsets[i + 1] = offsets[i] + (sorting.offsets[k + 1] - sorting.offsets[k])))
    times = new Float64Array(offsets[rows.length])
    rows.forEach((k, i) => {
      let at = offsets[i]
      for (let j = sorting.offsets[k]; j < sorting.offsets[k + 1]; j++) {
        const v = (src[j] / fs) * 1e3
        times[at++] = v
        if (v > max) max = v
      }
    })
  }
  const channelName = firstProperty(sorting.properties, CHANNEL_PROPERTIES)
  const locationName = firstProperty(sorting.properties, LOCATION_PROPERTIES)
  const channel = channelName === undefined ? undefined : sorting.properties.get(channelName)
  const location = locationName === undefined ? undefined : sorting.properties.get(locationName)
  // Every other property reaches the attributes under its SpikeInterface name (lists for 2-D ones).
  const others = [...sorting.properties].filter(([name]) => name !== channelName && name !== locationName && !OWN_KEYS.has(name))
  const unitIds: UnitId[] = rows.map((k) => sorting.unitIds[k])
  const neuronAttributes = rows.map((k) => {
    const id = sorting.unitIds[k]
    const attr: Record<string, unknown> = { unit_id: id, ...extraAttributes?.[k] }
    const ch = channel?.[k]
    if (ch !== undefined && ch !== null) {
      const electrode = toInt(ch)
      if (electrode === null) throw new InvalidDataError(`The channel property of unit ${String(id)} is ${String(ch)}; an integer channel was expected.`, { unitId: String(id), value: String(ch) })
      attr.electrode = electrode
    }
    const loc = location?.[k]
    if (loc !== undefined && loc !== null) attr.location = Array.isArray(loc) ? loc : [loc]
    if (labels) attr.curation_labels = labels[k]
    for (const [name, values] of others) if (!(name in attr) && values[k] !== undefined) attr[name] = values[k]
    return attr
  })
  const total = times.length
  return new SpikeData({
    times,
    offsets,
    lengthMs: opts.lengthMs ?? (total > 0 ? max + spacing(max) : 0),
    startTimeMs: 0,
    neuronAttributes,
    metadata: { source_format: 'SpikeInterface', unit_ids: unitIds, fs_Hz: fs, ...metadata },
  })
}

/** Attribute keys the loader sets itself; a property of the same name does not overwrite them. */
const OWN_KEYS = new Set(['unit_id', 'electrode', 'location', 'curation_labels', '__proto__', 'constructor', 'prototype'])

function firstProperty(properties: Map<string, unknown[]>, names: readonly string[]): string | undefined {
  return names.find((name) => properties.has(name))
}

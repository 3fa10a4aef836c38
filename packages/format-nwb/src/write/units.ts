import type { SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { h5, type H5GroupSpec, type H5NodeSpec, type H5Ref } from './tree.js'
import { msToSeconds } from './seconds.js'
import { int64, raggedColumn, regionRows, scalarColumn, smallestUnsigned, type Hdmf } from './hdmf.js'
import { ELECTRODES } from './electrodes.js'

export const ATTRIBUTES_JSON_COLUMN = 'spikes_neuron_attributes'
/** Neuron attributes the electrodes table carries (or the unit id); not written as their own columns. */
const IN_ELECTRODES = new Set(['unit_id', 'electrode', 'location', 'location_label', 'group_name'])
/** Columns the Units schema defines with their own types. */
const UNITS_SCHEMA = new Set(['id', 'spike_times', 'obs_intervals', 'electrodes', 'electrode_group', 'waveform_mean', 'waveform_sd', 'waveforms', ATTRIBUTES_JSON_COLUMN])

export interface UnitsOptions {
  gzip: number
  chunkSize: number
  attributesJson: boolean
}

/**
 * The nwb loader renames a source Units column that clashes with a derived attribute (`location` becomes
 * `nwb_location`); the column gets its own name back.
 */
const RENAMED_ON_LOAD = new Set(['electrode', 'location', 'location_label', 'group_name'].map((k) => `nwb_${k}`))

function columnName(key: string): string {
  return RENAMED_ON_LOAD.has(key) ? key.slice(4) : key
}

function usableName(k: string): boolean {
  return !IN_ELECTRODES.has(k) && !UNITS_SCHEMA.has(k) && !k.endsWith('_index') && !k.includes('/') && k !== '.' && k !== '..' && k !== ''
}

/**
 * The Units table: ids, spike times in seconds (gzip-chunked) with their index, the electrodes region,
 * one column per neuron attribute (scalars as number/text/bool columns, number or text lists as ragged
 * columns) and the exact JSON copy. `dropped` names the attributes that fit no column.
 */
export function buildUnits(sd: SpikeData, attrs: readonly Record<string, unknown>[], unitRow: readonly (number | null)[], electrodeRows: number, options: UnitsOptions, t: Hdmf, groupPaths: ReadonlyMap<string, string> = new Map()): { group: H5GroupSpec; dropped: string[] } {
  const N = sd.N
  const units: Record<string, H5NodeSpec> = {}
  const colnames = ['spike_times']
  const unitIds = attrs.map((a) => a.unit_id)
  const intIds = unitIds.every((u) => typeof u === 'number' && Number.isSafeInteger(u))
  units.id = h5.dataset(int64(Array.from({ length: N }, (_, i) => (intIds ? (unitIds[i] as number) : i))), { attrs: t.elementIds() })
  const seconds = msToSeconds(sd.times)
  units.spike_times = h5.dataset(seconds, { chunks: seconds.length ? [Math.min(options.chunkSize, seconds.length)] : undefined, gzip: options.gzip || undefined, attrs: t.vectorData('the spike times for each unit in seconds') })
  units.spike_times_index = h5.dataset(smallestUnsigned(Array.from(sd.offsets).slice(1)), { attrs: t.vectorIndex('/units/spike_times') })
  if (electrodeRows > 0 && unitRow.some((r) => r !== null)) {
    const flat: number[] = []
    const ends: number[] = []
    for (const r of unitRow) {
      if (r !== null) flat.push(r)
      ends.push(flat.length)
    }
    units.electrodes = h5.dataset(regionRows(flat), { attrs: t.region('the electrodes that each spike unit came from', ELECTRODES) })
    units.electrodes_index = h5.dataset(smallestUnsigned(ends), { attrs: t.vectorIndex('/units/electrodes') })
    colnames.push('electrodes')
  }
  if (!intIds && N > 0 && sd.neuronAttributes) {
    units.unit_id = h5.dataset(unitIds.map((u) => (u === undefined || u === null ? '' : String(u))), { attrs: t.vectorData('unit ids that are not integers (NWB ids must be)') })
    colnames.push('unit_id')
  }
  const groupRefs = electrodeGroupColumn(attrs, groupPaths)
  if (groupRefs) {
    units.electrode_group = h5.dataset(groupRefs, { attrs: t.vectorData('the electrode group that each spike unit came from') })
    colnames.push('electrode_group')
  }
  const dropped: string[] = []
  const keys = new Set<string>()
  for (const a of attrs) for (const k of Object.keys(a)) keys.add(k)
  for (const key of keys) {
    if (!usableName(key)) {
      if (!IN_ELECTRODES.has(key) && !(key === 'electrode_group' && groupRefs)) dropped.push(key)
      continue
    }
    const values = attrs.map((a) => a[key])
    const name = columnName(key)
    const scalar = scalarColumn(values, t.vectorData(name))
    const ragged = scalar ? undefined : raggedColumn(name, '/units', values, name, t)
    if (scalar) units[name] = scalar
    else if (ragged) Object.assign(units, ragged)
    else {
      if (values.some((v) => v !== undefined && v !== null)) dropped.push(key)
      continue
    }
    colnames.push(name)
  }
  if (sd.neuronAttributes && N > 0 && options.attributesJson) {
    units[ATTRIBUTES_JSON_COLUMN] = h5.dataset(attrs.map((a) => JSON.stringify(toJsonValue(a))), { attrs: t.vectorData('the SpikeData neuron attributes of each unit, as JSON (exact copy for @spikes)') })
    colnames.push(ATTRIBUTES_JSON_COLUMN)
  }
  const group = h5.group(units, t.typed('core', 'Units', { description: 'units exported by @spikes/format-nwb', colnames }))
  return { group, dropped }
}

/**
 * Units' electrode_group (NWB: a reference to the unit's ElectrodeGroup) when every unit names one that the
 * file has, as the nwb loader reads it (pynapple writes it); undefined otherwise (it stays in the JSON copy).
 */
function electrodeGroupColumn(attrs: readonly Record<string, unknown>[], groupPaths: ReadonlyMap<string, string>): H5Ref[] | undefined {
  if (!attrs.length || !groupPaths.size) return undefined
  const paths = attrs.map((a) => (typeof a.electrode_group === 'string' ? groupPaths.get(a.electrode_group) : undefined))
  return paths.every((p): p is string => p !== undefined) ? paths.map((p) => h5.ref(p)) : undefined
}

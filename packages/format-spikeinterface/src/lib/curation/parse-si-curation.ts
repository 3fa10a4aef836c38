// Reading a curation file in SpikeInterface's own format: checked as its CurationModel (curation_model.py)
// checks it, version 1 converted to version 2's fields. One function per field.
import { InvalidDataError, UnsupportedError } from '@spikes/core'
import { idKey, type UnitId } from '../sorting/unit-id.js'

/** A label definition of SpikeInterface's curation format: `{ "<name>": { "label_options": [...], "exclusive": bool } }`. */
export interface LabelDefinition {
  name: string
  options: string[]
  exclusive: boolean
}

/**
 * A curation file in SpikeInterface's own format (`format_version` "1" or "2", as written by spikeinterface-gui
 * and read by `apply_curation`), checked and normalised to version 2's fields.
 */
export interface SpikeInterfaceCuration {
  formatVersion: '1' | '2'
  unitIds: UnitId[]
  labelDefinitions: LabelDefinition[]
  /** Label values per unit (by unit id key), per label definition name; several entries for a unit are combined. */
  manualLabels: Map<string, Map<string, string[]>>
  removed: UnitId[]
  merges: { unitIds: UnitId[]; newUnitId?: UnitId }[]
}

/** Attribute names this package already sets on every neuron: a label may not take them. */
const RESERVED = ['unit_id', 'electrode', 'location', 'curation_labels', 'is_merged']

/** True when a parsed curation JSON is in SpikeInterface's own format, i.e. carries a `format_version`. */
export function isSpikeInterfaceCuration(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'format_version' in value
}

const isUnitId = (v: unknown): v is UnitId => (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'string'
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
const show = (v: unknown) => JSON.stringify(v)

/** The file being checked: its name for messages, the unit ids once read. */
class CurationCheck {
  known = new Set<string>()

  constructor(readonly file: string) {}

  /** Throws the InvalidDataError of one field. */
  bad(field: string, what: string, extra: Record<string, unknown> = {}): never {
    const { file } = this
    throw new InvalidDataError(`${file}: ${what}. See SpikeInterface's curation format (format_version "1" or "2": unit_ids, label_definitions, manual_labels, merges, removed).`, { file, field, ...extra })
  }

  /** `id` must be one of unit_ids. */
  checkKnown(field: string, id: unknown, where: string): void {
    if (!isUnitId(id)) this.bad(field, `${where} is ${show(id)}, not a unit id`, { unitId: show(id) })
    if (!this.known.has(idKey(id))) this.bad(field, `${where} names unit ${show(id)}, which is not in unit_ids`, { unitId: idKey(id), unknown: [idKey(id)] })
  }
}

/**
 * Checks a curation JSON in SpikeInterface's format as its `CurationModel` (curation_model.py) does, and converts
 * version 1 (`merge_unit_groups`, `removed_units`) to version 2 (`merges`, `removed`). Every problem is an
 * InvalidDataError with `file` and `field`; non-empty `splits` / `discard_spikes` are UnsupportedError.
 */
export function parseSpikeInterfaceCuration(value: unknown, file: string): SpikeInterfaceCuration {
  const check = new CurationCheck(file)
  if (!isObject(value)) return check.bad('format_version', 'the document is not an object')
  const version = value.format_version
  if (version !== '1' && version !== '2') {
    check.bad('format_version', `format_version is ${show(version)}; SpikeInterface supports the strings "1" and "2"${version === '0' || version === 0 ? ' (a SortingView curation has no format_version: remove it)' : ''}`, { received: version })
  }
  const formatVersion = version as '1' | '2'
  const unitIds = readUnitIds(check, value.unit_ids)
  const labelDefinitions = readLabelDefinitions(check, value.label_definitions ?? {})
  const manualLabels = readManualLabels(check, value.manual_labels ?? [], labelDefinitions)
  const mergeField = formatVersion === '1' ? 'merge_unit_groups' : 'merges'
  const { merges, mergedBy } = readMerges(check, mergeField, (formatVersion === '1' ? (value.merge_unit_groups ?? value.merges) : value.merges) ?? [])
  const removedField = formatVersion === '1' ? 'removed_units' : 'removed'
  const removed = readRemoved(check, removedField, (formatVersion === '1' ? (value.removed_units ?? value.removed) : value.removed) ?? [], mergedBy)
  refuseSpikeSelections(check, value)
  return { formatVersion, unitIds, labelDefinitions, manualLabels, removed, merges }
}

function readUnitIds(check: CurationCheck, value: unknown): UnitId[] {
  if (!Array.isArray(value)) check.bad('unit_ids', 'unit_ids is missing or not a list (the sorting\'s unit ids, in order)')
  const unitIds = value as unknown[]
  unitIds.forEach((id, i) => {
    if (!isUnitId(id)) check.bad('unit_ids', `unit_ids[${i}] is ${show(id)}, not an integer or a string`, { index: i })
  })
  check.known = new Set((unitIds as UnitId[]).map(idKey))
  if (check.known.size !== unitIds.length) check.bad('unit_ids', 'unit_ids repeats a unit')
  return [...(unitIds as UnitId[])]
}

function readLabelDefinitions(check: CurationCheck, value: unknown): LabelDefinition[] {
  if (!isObject(value)) check.bad('label_definitions', 'label_definitions is not an object of { label_options, exclusive }')
  const labelDefinitions: LabelDefinition[] = []
  for (const [name, def] of Object.entries(value as Record<string, unknown>)) {
    if (!isObject(def)) check.bad('label_definitions', `label_definitions["${name}"] is not an object`, { label: name })
    const d = def as Record<string, unknown>
    if (!Array.isArray(d.label_options) || !d.label_options.every((o) => typeof o === 'string')) check.bad('label_definitions', `label_definitions["${name}"].label_options is not a list of strings`, { label: name })
    if ((d.label_options as string[]).length < 2) check.bad('label_definitions', `label_definitions["${name}"].label_options has fewer than 2 options`, { label: name })
    if (typeof d.exclusive !== 'boolean') check.bad('label_definitions', `label_definitions["${name}"].exclusive is not true or false`, { label: name })
    labelDefinitions.push({ name, options: [...(d.label_options as string[])], exclusive: d.exclusive as boolean })
  }
  // The attributes the labels become: one per exclusive definition, one per option of the others.
  const attributeNames = labelDefinitions.flatMap((d) => (d.exclusive ? [d.name] : d.options))
  const seenNames = new Set<string>()
  for (const name of attributeNames) {
    if (RESERVED.includes(name)) check.bad('label_definitions', `label "${name}" would overwrite the neuron attribute of that name`, { label: name })
    if (seenNames.has(name)) check.bad('label_definitions', `label "${name}" is defined twice (an exclusive label's name and another definition's option, or two options)`, { label: name })
    seenNames.add(name)
  }
  return labelDefinitions
}

/** manual_labels: `{ unit_id, labels: { name: [...] } }` or `{ unit_id, <name>: [...] }`, per unit and label. */
function readManualLabels(check: CurationCheck, value: unknown, labelDefinitions: LabelDefinition[]): Map<string, Map<string, string[]>> {
  if (!Array.isArray(value)) check.bad('manual_labels', 'manual_labels is not a list')
  const defByName = new Map(labelDefinitions.map((d) => [d.name, d]))
  const manualLabels = new Map<string, Map<string, string[]>>()
  ;(value as unknown[]).forEach((entry, i) => {
    if (!isObject(entry)) check.bad('manual_labels', `manual_labels[${i}] is not an object`, { index: i })
    check.checkKnown('manual_labels', entry.unit_id, `manual_labels[${i}].unit_id`)
    const unit = idKey(entry.unit_id as UnitId)
    let labels: Record<string, unknown>
    if (entry.labels !== undefined && entry.labels !== null) {
      if (!isObject(entry.labels)) check.bad('manual_labels', `manual_labels[${i}].labels is not an object`, { index: i, unitId: unit })
      labels = entry.labels
    } else {
      labels = Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'unit_id' && k !== 'labels'))
    }
    const perUnit = manualLabels.get(unit) ?? new Map<string, string[]>()
    for (const [name, values] of Object.entries(labels)) addLabel(check, perUnit, defByName.get(name), name, values, `manual_labels[${i}] (unit ${unit})`, { index: i, unitId: unit })
    manualLabels.set(unit, perUnit)
  })
  return manualLabels
}

/** One label of one manual_labels entry: an exclusive label's value replaces the last one, other labels' values accumulate. */
function addLabel(check: CurationCheck, perUnit: Map<string, string[]>, def: LabelDefinition | undefined, name: string, values: unknown, where: string, at: Record<string, unknown>): void {
  if (!def) return check.bad('manual_labels', `${where} has label "${name}", which label_definitions does not define`, { ...at, label: name })
  if (!Array.isArray(values) || !values.every((s) => typeof s === 'string')) check.bad('manual_labels', `${where}: "${name}" is not a list of strings`, { ...at, label: name })
  const list = values as string[]
  for (const option of list) {
    if (!def.options.includes(option)) check.bad('manual_labels', `${where}: "${option}" is not an option of label "${name}" (${def.options.join(', ')})`, { ...at, label: name, value: option })
  }
  if (def.exclusive && list.length > 1) check.bad('manual_labels', `${where}: "${name}" is exclusive but has ${list.length} values (${list.join(', ')})`, { ...at, label: name })
  if (def.exclusive) {
    if (list.length === 1) perUnit.set(name, [...list])
  } else {
    perUnit.set(name, [...new Set([...(perUnit.get(name) ?? []), ...list])])
  }
}

/** merges (v2: a list of { unit_ids, new_unit_id? }, a list of lists, or { new_unit_id: [ids] }); v1: merge_unit_groups. */
function readMerges(check: CurationCheck, field: string, value: unknown): { merges: SpikeInterfaceCuration['merges']; mergedBy: Map<string, number> } {
  let entries: { unitIds: unknown; newUnitId?: unknown }[]
  if (isObject(value)) {
    entries = Object.entries(value).map(([newUnitId, ids]) => ({ unitIds: ids, newUnitId }))
  } else if (Array.isArray(value)) {
    entries = value.map((m, i) => {
      if (Array.isArray(m)) return { unitIds: m }
      if (isObject(m)) return { unitIds: m.unit_ids, newUnitId: m.new_unit_id ?? undefined }
      return check.bad(field, `${field}[${i}] is neither a list of unit ids nor { unit_ids, new_unit_id }`, { group: i })
    })
  } else {
    return check.bad(field, `${field} is not a list`)
  }
  const merges: SpikeInterfaceCuration['merges'] = []
  const mergedBy = new Map<string, number>()
  entries.forEach((m, i) => {
    if (!Array.isArray(m.unitIds)) check.bad(field, `${field}[${i}] has no list of unit ids`, { group: i })
    const ids = m.unitIds as unknown[]
    ids.forEach((id, j) => check.checkKnown(field, id, `${field}[${i}][${j}]`))
    if (ids.length < 2) check.bad(field, `${field}[${i}] has fewer than 2 units`, { group: i })
    const keys = (ids as UnitId[]).map(idKey)
    for (const key of keys) {
      const other = mergedBy.get(key)
      if (other !== undefined) check.bad(field, `unit ${key} belongs to more than one merge group (${other} and ${i})`, { unitId: key, group: i })
      mergedBy.set(key, i)
    }
    if (m.newUnitId !== undefined) {
      if (!isUnitId(m.newUnitId)) check.bad(field, `${field}[${i}].new_unit_id is ${show(m.newUnitId)}, not a unit id`, { group: i })
      const key = idKey(m.newUnitId)
      if (check.known.has(key) && !keys.includes(key)) check.bad(field, `${field}[${i}].new_unit_id ${key} is already a unit outside the group`, { group: i, unitId: key })
    }
    merges.push({ unitIds: [...(ids as UnitId[])], ...(m.newUnitId !== undefined ? { newUnitId: m.newUnitId as UnitId } : {}) })
  })
  return { merges, mergedBy }
}

/** removed (v1: removed_units): known units, none of them also merged. */
function readRemoved(check: CurationCheck, field: string, value: unknown, mergedBy: Map<string, number>): UnitId[] {
  if (!Array.isArray(value)) check.bad(field, `${field} is not a list of unit ids`)
  ;(value as unknown[]).forEach((id, i) => check.checkKnown(field, id, `${field}[${i}]`))
  const removed = [...(value as UnitId[])]
  for (const id of removed) {
    if (mergedBy.has(idKey(id))) check.bad(field, `unit ${idKey(id)} is both removed and merged`, { unitId: idKey(id) })
  }
  return removed
}

/** splits and discard_spikes need spike indices over the whole (multi-segment) train: not applied here. */
function refuseSpikeSelections(check: CurationCheck, v: Record<string, unknown>): void {
  const { file } = check
  for (const field of ['splits', 'discard_spikes']) {
    const s = v[field]
    if (s === undefined || s === null) continue
    if (!Array.isArray(s) && !isObject(s)) check.bad(field, `${field} is not a list`)
    const count = Array.isArray(s) ? s.length : Object.keys(s).length
    if (count > 0) {
      throw new UnsupportedError(`curation-${field.replace('_', '-')}`, `${file} has ${count} ${field === 'splits' ? 'split(s)' : 'discard_spikes entr(y/ies)'}: they select spikes by their index in a unit's spike train and are not applied by this loader. Apply the curation in SpikeInterface (spikeinterface.curation.apply_curation(sorting, curation)), save the curated sorting (sorting.save(folder=...)) and load that folder; or drop "${field}" from the file.`, { file, field, count })
    }
  }
}

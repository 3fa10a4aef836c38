import { InvalidDataError, UnsupportedError } from '@spikes/core'
import { idKey, type UnitId } from '../sorting/unit-id.js'
import { keepAndMerge, type GroupedSorting } from '../sorting/grouped.js'

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

/** What applying a SpikeInterface curation did, recorded in `metadata.curation`. */
export interface SpikeInterfaceCurationReport {
  file: string
  format: 'spikeinterface'
  format_version: '1' | '2'
  removed_units: UnitId[]
  merged_units: { new_unit_id: UnitId; unit_ids: UnitId[] }[]
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

/**
 * Checks a curation JSON in SpikeInterface's format as its `CurationModel` (curation_model.py) does, and converts
 * version 1 (`merge_unit_groups`, `removed_units`) to version 2 (`merges`, `removed`). Every problem is an
 * InvalidDataError with `file` and `field`; non-empty `splits` / `discard_spikes` are UnsupportedError.
 */
export function parseSpikeInterfaceCuration(value: unknown, file: string): SpikeInterfaceCuration {
  const bad = (field: string, what: string, extra: Record<string, unknown> = {}): never => {
    throw new InvalidDataError(`${file}: ${what}. See SpikeInterface's curation format (format_version "1" or "2": unit_ids, label_definitions, manual_labels, merges, removed).`, { file, field, ...extra })
  }
  if (!isObject(value)) return bad('format_version', 'the document is not an object')
  const v = value
  const version = v.format_version
  if (version !== '1' && version !== '2') {
    bad('format_version', `format_version is ${show(version)}; SpikeInterface supports the strings "1" and "2"${version === '0' || version === 0 ? ' (a SortingView curation has no format_version: remove it)' : ''}`, { received: version })
  }
  const formatVersion = version as '1' | '2'

  // unit_ids
  if (!Array.isArray(v.unit_ids)) bad('unit_ids', 'unit_ids is missing or not a list (the sorting\'s unit ids, in order)')
  const unitIds = v.unit_ids as unknown[]
  unitIds.forEach((id, i) => {
    if (!isUnitId(id)) bad('unit_ids', `unit_ids[${i}] is ${show(id)}, not an integer or a string`, { index: i })
  })
  const known = new Set((unitIds as UnitId[]).map(idKey))
  if (known.size !== unitIds.length) bad('unit_ids', 'unit_ids repeats a unit')
  const checkKnown = (field: string, id: unknown, where: string) => {
    if (!isUnitId(id)) bad(field, `${where} is ${show(id)}, not a unit id`, { unitId: show(id) })
    if (!known.has(idKey(id as UnitId))) bad(field, `${where} names unit ${show(id)}, which is not in unit_ids`, { unitId: idKey(id as UnitId), unknown: [idKey(id as UnitId)] })
  }

  // label_definitions
  const defsValue = v.label_definitions ?? {}
  if (!isObject(defsValue)) bad('label_definitions', 'label_definitions is not an object of { label_options, exclusive }')
  const labelDefinitions: LabelDefinition[] = []
  for (const [name, def] of Object.entries(defsValue as Record<string, unknown>)) {
    if (!isObject(def)) bad('label_definitions', `label_definitions["${name}"] is not an object`, { label: name })
    const d = def as Record<string, unknown>
    if (!Array.isArray(d.label_options) || !d.label_options.every((o) => typeof o === 'string')) bad('label_definitions', `label_definitions["${name}"].label_options is not a list of strings`, { label: name })
    if ((d.label_options as string[]).length < 2) bad('label_definitions', `label_definitions["${name}"].label_options has fewer than 2 options`, { label: name })
    if (typeof d.exclusive !== 'boolean') bad('label_definitions', `label_definitions["${name}"].exclusive is not true or false`, { label: name })
    labelDefinitions.push({ name, options: [...(d.label_options as string[])], exclusive: d.exclusive as boolean })
  }
  // The attributes the labels become: one per exclusive definition, one per option of the others.
  const attributeNames = labelDefinitions.flatMap((d) => (d.exclusive ? [d.name] : d.options))
  const seenNames = new Set<string>()
  for (const name of attributeNames) {
    if (RESERVED.includes(name)) bad('label_definitions', `label "${name}" would overwrite the neuron attribute of that name`, { label: name })
    if (seenNames.has(name)) bad('label_definitions', `label "${name}" is defined twice (an exclusive label's name and another definition's option, or two options)`, { label: name })
    seenNames.add(name)
  }
  const defByName = new Map(labelDefinitions.map((d) => [d.name, d]))

  // manual_labels: { unit_id, labels: { name: [...] } } or { unit_id, <name>: [...] }
  const manualValue = v.manual_labels ?? []
  if (!Array.isArray(manualValue)) bad('manual_labels', 'manual_labels is not a list')
  const manualLabels = new Map<string, Map<string, string[]>>()
  ;(manualValue as unknown[]).forEach((entry, i) => {
    if (!isObject(entry)) bad('manual_labels', `manual_labels[${i}] is not an object`, { index: i })
    const e = entry as Record<string, unknown>
    checkKnown('manual_labels', e.unit_id, `manual_labels[${i}].unit_id`)
    const unit = idKey(e.unit_id as UnitId)
    let labels: Record<string, unknown>
    if (e.labels !== undefined && e.labels !== null) {
      if (!isObject(e.labels)) bad('manual_labels', `manual_labels[${i}].labels is not an object`, { index: i, unitId: unit })
      labels = e.labels as Record<string, unknown>
    } else {
      labels = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'unit_id' && k !== 'labels'))
    }
    const perUnit = manualLabels.get(unit) ?? new Map<string, string[]>()
    for (const [name, values] of Object.entries(labels)) {
      const def = defByName.get(name)
      if (!def) bad('manual_labels', `manual_labels[${i}] (unit ${unit}) has label "${name}", which label_definitions does not define`, { index: i, unitId: unit, label: name })
      if (!Array.isArray(values) || !values.every((s) => typeof s === 'string')) bad('manual_labels', `manual_labels[${i}] (unit ${unit}): "${name}" is not a list of strings`, { index: i, unitId: unit, label: name })
      const list = values as string[]
      for (const option of list) {
        if (!def!.options.includes(option)) bad('manual_labels', `manual_labels[${i}] (unit ${unit}): "${option}" is not an option of label "${name}" (${def!.options.join(', ')})`, { index: i, unitId: unit, label: name, value: option })
      }
      if (def!.exclusive && list.length > 1) bad('manual_labels', `manual_labels[${i}] (unit ${unit}): "${name}" is exclusive but has ${list.length} values (${list.join(', ')})`, { index: i, unitId: unit, label: name })
      // An exclusive label: a later entry with one value replaces it; other labels: values accumulate.
      if (def!.exclusive) {
        if (list.length === 1) perUnit.set(name, [...list])
      } else {
        perUnit.set(name, [...new Set([...(perUnit.get(name) ?? []), ...list])])
      }
    }
    manualLabels.set(unit, perUnit)
  })

  // merges (v2: list of { unit_ids, new_unit_id? }, list of lists, or { new_unit_id: [ids] }); v1: merge_unit_groups
  const mergeField = formatVersion === '1' ? 'merge_unit_groups' : 'merges'
  let mergeValue: unknown = formatVersion === '1' ? (v.merge_unit_groups ?? v.merges) : v.merges
  mergeValue ??= []
  let mergeEntries: { unitIds: unknown; newUnitId?: unknown }[]
  if (isObject(mergeValue)) {
    mergeEntries = Object.entries(mergeValue).map(([newUnitId, ids]) => ({ unitIds: ids, newUnitId }))
  } else if (Array.isArray(mergeValue)) {
    mergeEntries = mergeValue.map((m, i) => {
      if (Array.isArray(m)) return { unitIds: m }
      if (isObject(m)) return { unitIds: m.unit_ids, newUnitId: m.new_unit_id ?? undefined }
      return bad(mergeField, `${mergeField}[${i}] is neither a list of unit ids nor { unit_ids, new_unit_id }`, { group: i })
    })
  } else {
    return bad(mergeField, `${mergeField} is not a list`)
  }
  const merges: SpikeInterfaceCuration['merges'] = []
  const mergedBy = new Map<string, number>()
  mergeEntries.forEach((m, i) => {
    if (!Array.isArray(m.unitIds)) bad(mergeField, `${mergeField}[${i}] has no list of unit ids`, { group: i })
    const ids = m.unitIds as unknown[]
    ids.forEach((id, j) => checkKnown(mergeField, id, `${mergeField}[${i}][${j}]`))
    if (ids.length < 2) bad(mergeField, `${mergeField}[${i}] has fewer than 2 units`, { group: i })
    const keys = (ids as UnitId[]).map(idKey)
    for (const key of keys) {
      const other = mergedBy.get(key)
      if (other !== undefined) bad(mergeField, `unit ${key} belongs to more than one merge group (${other} and ${i})`, { unitId: key, group: i })
      mergedBy.set(key, i)
    }
    if (m.newUnitId !== undefined) {
      if (!isUnitId(m.newUnitId)) bad(mergeField, `${mergeField}[${i}].new_unit_id is ${show(m.newUnitId)}, not a unit id`, { group: i })
      const key = idKey(m.newUnitId as UnitId)
      if (known.has(key) && !keys.includes(key)) bad(mergeField, `${mergeField}[${i}].new_unit_id ${key} is already a unit outside the group`, { group: i, unitId: key })
    }
    merges.push({ unitIds: [...(ids as UnitId[])], ...(m.newUnitId !== undefined ? { newUnitId: m.newUnitId as UnitId } : {}) })
  })

  // removed (v1: removed_units)
  const removedField = formatVersion === '1' ? 'removed_units' : 'removed'
  const removedValue = (formatVersion === '1' ? (v.removed_units ?? v.removed) : v.removed) ?? []
  if (!Array.isArray(removedValue)) bad(removedField, `${removedField} is not a list of unit ids`)
  ;(removedValue as unknown[]).forEach((id, i) => checkKnown(removedField, id, `${removedField}[${i}]`))
  const removed = [...(removedValue as UnitId[])]
  for (const id of removed) {
    if (mergedBy.has(idKey(id))) bad(removedField, `unit ${idKey(id)} is both removed and merged`, { unitId: idKey(id) })
  }

  // splits and discard_spikes need spike indices over the whole (multi-segment) train: not applied here.
  for (const field of ['splits', 'discard_spikes']) {
    const s = v[field]
    if (s === undefined || s === null) continue
    if (!Array.isArray(s) && !isObject(s)) bad(field, `${field} is not a list`)
    const count = Array.isArray(s) ? s.length : Object.keys(s).length
    if (count > 0) {
      throw new UnsupportedError(`curation-${field.replace('_', '-')}`, `${file} has ${count} ${field === 'splits' ? 'split(s)' : 'discard_spikes entr(y/ies)'}: they select spikes by their index in a unit's spike train and are not applied by this loader. Apply the curation in SpikeInterface (spikeinterface.curation.apply_curation(sorting, curation)), save the curated sorting (sorting.save(folder=...)) and load that folder; or drop "${field}" from the file.`, { file, field, count })
    }
  }

  return { formatVersion, unitIds: [...(unitIds as UnitId[])], labelDefinitions, manualLabels, removed, merges }
}

/**
 * Applies a SpikeInterface curation as `apply_curation(sorting, curation_dict)` does with its defaults
 * (new_id_strategy "append", censor_ms None): the file's unit_ids must be the sorting's, in order; labels become
 * properties of every unit (an exclusive definition: one string attribute named after it, "" when unset; the
 * others: one boolean attribute per option); `removed` units are dropped; each merge group becomes one unit
 * holding the union of its members' spikes in time order, appended after the remaining units, with id
 * max(remaining ids) + 1 + its index (integer ids, or strings of digits), else "merge<index>".
 * A merged unit: an exclusive label survives when all members agree (else ""), a non-exclusive option is true
 * when any member has it; other properties survive when all members agree. `is_merged` is set when there are merges.
 */
export function applySpikeInterfaceCuration(
  sorting: GroupedSorting,
  curation: SpikeInterfaceCuration,
  file: string,
): { sorting: GroupedSorting; attributes: Record<string, unknown>[]; labels: string[][]; report: SpikeInterfaceCurationReport } {
  const sortingKeys = sorting.unitIds.map(idKey)
  const fileKeys = curation.unitIds.map(idKey)
  if (sortingKeys.length !== fileKeys.length || sortingKeys.some((k, i) => k !== fileKeys[i])) {
    const fileSet = new Set(fileKeys)
    const sortingSet = new Set(sortingKeys)
    const unknown = fileKeys.filter((k) => !sortingSet.has(k))
    const missing = sortingKeys.filter((k) => !fileSet.has(k))
    throw new InvalidDataError(
      `${file}: its unit_ids (${fileKeys.slice(0, 20).join(', ')}${fileKeys.length > 20 ? ', ...' : ''}) are not the sorting's (${sortingKeys.slice(0, 20).join(', ')}${sortingKeys.length > 20 ? ', ...' : ''}), in the same order, as SpikeInterface's apply_curation requires. Is this the curation of another sorting?`,
      { file, field: 'unit_ids', unknown, missing, expected: sortingKeys, received: fileKeys },
    )
  }

  const n = sorting.unitIds.length
  // Label attributes of every original unit (curation_label_to_vectors).
  const labelRows: Record<string, string | boolean>[] = sorting.unitIds.map((id) => {
    const given = curation.manualLabels.get(idKey(id))
    const row: Record<string, string | boolean> = {}
    for (const def of curation.labelDefinitions) {
      const values = given?.get(def.name) ?? []
      if (def.exclusive) row[def.name] = values[0] ?? ''
      else for (const option of def.options) row[option] = values.includes(option)
    }
    return row
  })

  const index = new Map(sortingKeys.map((k, i) => [k, i]))
  const removed = new Uint8Array(n)
  for (const id of curation.removed) removed[index.get(idKey(id))!] = 1
  const groups = curation.merges.map((m) => m.unitIds.map((id) => index.get(idKey(id))!))
  const inGroup = new Uint8Array(n)
  for (const g of groups) for (const k of g) inGroup[k] = 1
  const kept: number[] = []
  for (let k = 0; k < n; k++) if (!removed[k] && !inGroup[k]) kept.push(k)

  // generate_unit_ids_for_merge_group(new_id_strategy="append") on the ids left after removal.
  const remaining = sorting.unitIds.filter((_, k) => !removed[k])
  const numeric = remaining.every((id) => typeof id === 'number')
  const digits = !numeric && remaining.every((id) => typeof id === 'string' && /^[0-9]+$/.test(id))
  let newIds: UnitId[]
  if (numeric) {
    const max = (remaining as number[]).reduce((m, id) => (id > m ? id : m), -Infinity)
    newIds = groups.map((_, i) => max + 1 + i)
  } else if (digits) {
    const max = (remaining as string[]).reduce((m, id) => (BigInt(id) > m ? BigInt(id) : m), -1n)
    newIds = groups.map((_, i) => String(max + 1n + BigInt(i)))
  } else {
    newIds = groups.map((_, i) => `merge${i}`)
  }
  const keptKeys = new Set(kept.map((k) => sortingKeys[k]))
  for (const id of newIds) {
    if (keptKeys.has(idKey(id))) throw new InvalidDataError(`${file}: the merged unit's id ${idKey(id)} (SpikeInterface's "append" strategy) is already a unit of the sorting.`, { file, field: 'merges', unitId: idKey(id) })
  }

  const curated = keepAndMerge(sorting, kept, groups, newIds)

  const mergedRow = (g: number[]): Record<string, string | boolean> => {
    const row: Record<string, string | boolean> = {}
    for (const def of curation.labelDefinitions) {
      if (def.exclusive) {
        const values = new Set(g.map((k) => labelRows[k][def.name]))
        row[def.name] = values.size === 1 ? [...values][0] : ''
      } else {
        for (const option of def.options) row[option] = g.some((k) => labelRows[k][option] === true)
      }
    }
    return row
  }
  const rows = [...kept.map((k) => labelRows[k]), ...groups.map(mergedRow)]
  const attributes: Record<string, unknown>[] = rows.map((row, i) => ({ ...row, ...(groups.length > 0 ? { is_merged: i >= kept.length } : {}) }))
  const labels = rows.map((row) =>
    curation.labelDefinitions.flatMap((def) => (def.exclusive ? (row[def.name] ? [row[def.name] as string] : []) : def.options.filter((o) => row[o] === true))),
  )

  return {
    sorting: curated,
    attributes,
    labels,
    report: {
      file,
      format: 'spikeinterface',
      format_version: curation.formatVersion,
      removed_units: sorting.unitIds.filter((_, k) => removed[k]),
      merged_units: groups.map((g, i) => ({ new_unit_id: newIds[i], unit_ids: g.map((k) => sorting.unitIds[k]) })),
    },
  }
}

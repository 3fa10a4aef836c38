import { InvalidDataError } from '@spikes/core'
import { idKey, type UnitId } from '../sorting/unit-id.js'
import { keepAndMerge, type GroupedSorting } from '../sorting/grouped.js'
import type { SpikeInterfaceCuration } from './parse-si-curation.js'

export { isSpikeInterfaceCuration, parseSpikeInterfaceCuration, type LabelDefinition, type SpikeInterfaceCuration } from './parse-si-curation.js'

/** What applying a SpikeInterface curation did, recorded in `metadata.curation`. */
export interface SpikeInterfaceCurationReport {
  file: string
  format: 'spikeinterface'
  format_version: '1' | '2'
  removed_units: UnitId[]
  merged_units: { new_unit_id: UnitId; unit_ids: UnitId[] }[]
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

  const newIds = appendedMergeIds(sorting.unitIds.filter((_, k) => !removed[k]), groups.length)
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

/** SpikeInterface's generate_unit_ids_for_merge_group(new_id_strategy="append") on the ids left after removal. */
function appendedMergeIds(remaining: readonly UnitId[], count: number): UnitId[] {
  const numeric = remaining.every((id) => typeof id === 'number')
  const digits = !numeric && remaining.every((id) => typeof id === 'string' && /^[0-9]+$/.test(id))
  if (numeric) {
    const max = (remaining as number[]).reduce((m, id) => (id > m ? id : m), -Infinity)
    return Array.from({ length: count }, (_, i) => max + 1 + i)
  }
  if (digits) {
    const max = (remaining as string[]).reduce((m, id) => (BigInt(id) > m ? BigInt(id) : m), -1n)
    return Array.from({ length: count }, (_, i) => String(max + 1n + BigInt(i)))
  }
  return Array.from({ length: count }, (_, i) => `merge${i}`)
}

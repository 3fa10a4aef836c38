import { InvalidDataError } from '@spikes/core'
import { idKey, type UnitId } from '../sorting/unit-id.js'
import { keepAndMerge, type GroupedSorting } from '../sorting/grouped.js'

/** A SortingView curation (format v0): labels per unit id (string keys) and groups of units to merge. */
export interface SortingViewCuration {
  labelsByUnit: Map<string, string[]>
  mergeGroups: UnitId[][]
}

/** What applying a curation did, recorded in `metadata.curation`. */
export interface CurationReport {
  file: string
  removed_units: UnitId[]
  merged_units: { new_unit_id: UnitId; unit_ids: UnitId[] }[]
}

/** Checks the shape of a SortingView curation JSON: `labelsByUnit` object of label lists, optional `mergeGroups` lists. */
export function parseSortingViewCuration(value: unknown, file: string): SortingViewCuration {
  const bad = (what: string, extra: Record<string, unknown> = {}): never => {
    throw new InvalidDataError(`${file}: ${what}. A SortingView curation is { "labelsByUnit": { "<unit id>": ["accept", ...] }, "mergeGroups": [[id, id], ...] }.`, { file, ...extra })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(`the document is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`)
  const v = value as Record<string, unknown>
  if ('format_version' in v) bad(`it has a format_version (${String(v.format_version)}): that is SpikeInterface's own curation format, not a SortingView curation`, { field: 'format_version' })
  const labels = v.labelsByUnit
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) bad('labelsByUnit is missing or not an object', { field: 'labelsByUnit' })
  const labelsByUnit = new Map<string, string[]>()
  for (const [unit, list] of Object.entries(labels as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.every((l) => typeof l === 'string')) bad(`labelsByUnit["${unit}"] is not a list of label strings`, { field: 'labelsByUnit', unit })
    labelsByUnit.set(unit, list as string[])
  }
  const groups = v.mergeGroups ?? []
  if (!Array.isArray(groups)) bad('mergeGroups is not a list', { field: 'mergeGroups' })
  const mergeGroups: UnitId[][] = []
  for (const [i, group] of (groups as unknown[]).entries()) {
    if (!Array.isArray(group) || !group.every((id) => (typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'string')) bad(`mergeGroups[${i}] is not a list of unit ids`, { field: 'mergeGroups', group: i })
    if ((group as unknown[]).length < 2) bad(`mergeGroups[${i}] has fewer than 2 units`, { field: 'mergeGroups', group: i })
    mergeGroups.push(group as UnitId[])
  }
  return { labelsByUnit, mergeGroups }
}

/** Filters of apply_sortingview_curation. */
export interface CurationFilters {
  excludeLabels?: readonly string[]
  includeLabels?: readonly string[]
  skipMerge: boolean
}

/**
 * Applies a SortingView curation as SpikeInterface's apply_sortingview_curation (curation format v2 path,
 * new_id_strategy 'join'): (1) units are removed by label (excludeLabels: any of them; includeLabels: a
 * unit lacking one of them); nothing is removed by default. (2) Removed units leave their merge groups;
 * groups left with fewer than 2 units are dropped. (3) Each group becomes one unit: its spikes are the
 * union of the members', in time order (no censoring); its id is the members' ids joined with '-' when
 * unit ids are strings, else max(the sorting's unit ids) + 1 + the group's index in mergeGroups (both taken before
 * removal, so a merged unit keeps its id whatever the filters, as SpikeInterface's tests expect). Unmerged units keep their order; merged
 * units follow, in group order. (4) Labels: a merged unit has every label of any member.
 * Unit ids of the JSON are matched by their string form, so the numbers of an -int file and the
 * strings of labelsByUnit both name the same units. Ids absent from the sorting are SPIKES_INVALID_DATA.
 */
export function applySortingViewCuration(sorting: GroupedSorting, curation: SortingViewCuration, filters: CurationFilters, file: string): { sorting: GroupedSorting; labels: string[][]; report: CurationReport } {
  const index = new Map(sorting.unitIds.map((id, k) => [idKey(id), k]))
  const unknown = new Set<string>()
  for (const key of curation.labelsByUnit.keys()) if (!index.has(key)) unknown.add(key)
  const seen = new Set<string>()
  for (const group of curation.mergeGroups) {
    for (const id of group) {
      const key = idKey(id)
      if (!index.has(key)) unknown.add(key)
      else if (seen.has(key)) throw new InvalidDataError(`${file}: unit ${key} is in more than one merge group.`, { file, unitId: key })
      seen.add(key)
    }
  }
  if (unknown.size) {
    const available = sorting.unitIds.map(idKey)
    throw new InvalidDataError(`${file} names unit(s) ${[...unknown].join(', ')} that the sorting does not have (available: ${available.slice(0, 50).join(', ')}${available.length > 50 ? ', ...' : ''}). Is this the curation of another sorting?`, { file, unknown: [...unknown], available })
  }

  const n = sorting.unitIds.length
  const labelsOf = (k: number): string[] => curation.labelsByUnit.get(idKey(sorting.unitIds[k])) ?? []
  const removed = new Uint8Array(n)
  for (let k = 0; k < n; k++) {
    const labels = labelsOf(k)
    if (filters.excludeLabels && filters.excludeLabels.some((l) => labels.includes(l))) removed[k] = 1
    if (filters.includeLabels && !filters.includeLabels.every((l) => labels.includes(l))) removed[k] = 1
  }
  // Each group remembers its place in mergeGroups: integer ids are numbered by it.
  const placed = filters.skipMerge ? [] : curation.mergeGroups.map((g, at) => ({ at, members: g.map((id) => index.get(idKey(id))!).filter((k) => !removed[k]) })).filter((g) => g.members.length >= 2)
  const groups = placed.map((g) => g.members)

  const inGroup = new Int32Array(n).fill(-1)
  groups.forEach((g, i) => g.forEach((k) => (inGroup[k] = i)))
  const kept: number[] = []
  for (let k = 0; k < n; k++) if (!removed[k] && inGroup[k] < 0) kept.push(k)

  const stringIds = sorting.unitIds.some((id) => typeof id === 'string')
  const maxId = stringIds ? 0 : (sorting.unitIds as number[]).reduce((m, id) => (id > m ? id : m), -Infinity)
  const newIds: UnitId[] = groups.map((g, i) => (stringIds ? g.map((k) => String(sorting.unitIds[k])).join('-') : maxId + 1 + placed[i].at))

  const curated = keepAndMerge(sorting, kept, groups, newIds)
  const labels = [...kept.map(labelsOf), ...groups.map((g) => [...new Set(g.flatMap(labelsOf))])]
  return {
    sorting: curated,
    labels,
    report: {
      file,
      removed_units: sorting.unitIds.filter((_, k) => removed[k]),
      merged_units: groups.map((g, i) => ({ new_unit_id: newIds[i], unit_ids: g.map((k) => sorting.unitIds[k]) })),
    },
  }
}

import { InvalidArgumentError } from '@spikes/core'

/** A SpikeInterface unit id: an integer or a string, as `numpysorting_info.json` lists them. */
export type UnitId = number | string

/**
 * The curation to apply: a JSON path, or the path with apply_sortingview_curation's filters. The file is a
 * SortingView curation (`labelsByUnit`, `mergeGroups`) or, when it has a `format_version`, SpikeInterface's own
 * curation format (applied as `apply_curation`; the filters are then refused).
 */
export interface CurationOption {
  /** Curation JSON (SortingView, or SpikeInterface's format with `format_version`): relative to the input folder, or absolute. */
  path: string
  /** SortingView curations only: units carrying any of these labels are removed before merging (default: none, as SpikeInterface). */
  excludeLabels?: readonly string[]
  /** SortingView curations only: only units carrying one of these labels are kept (mutually exclusive with excludeLabels). */
  includeLabels?: readonly string[]
  /** SortingView curations only: apply the labels only, not the merge groups (default false). */
  skipMerge?: boolean
}

/** Options of the spikeinterface loaders: SpikeLab's keyword arguments in lowerCamelCase, plus `curation`. */
export interface SpikeinterfaceOptions {
  /** Overrides the sampling frequency written by SpikeInterface (Hz). */
  samplingFrequency?: number | null
  /** Units to load, in this order (default: all, in the sorting's order). After curation, merged ids count. */
  unitIds?: readonly UnitId[] | null
  /** Segment of a multi-segment sorting (default 0). */
  segmentIndex?: number
  /** Recording length in ms (default: the latest spike plus one float step). */
  lengthMs?: number | null
  /** A curation to apply first (SortingView or SpikeInterface format): its path, or `{ path, excludeLabels, includeLabels, skipMerge }`. */
  curation?: string | CurationOption | null
}

/** {@link SpikeinterfaceOptions} after {@link checkSpikeinterfaceOptions}: defaults filled in, null read as absent. */
export interface CheckedSpikeinterfaceOptions {
  readonly samplingFrequency?: number
  readonly unitIds?: readonly UnitId[]
  readonly segmentIndex: number
  /** True when the caller chose the segment (no warning for multi-segment sortings then). */
  readonly segmentGiven: boolean
  readonly lengthMs?: number
  readonly curation?: Readonly<{ path: string; excludeLabels?: readonly string[]; includeLabels?: readonly string[]; skipMerge: boolean }>
}

const KNOWN = ['samplingFrequency', 'unitIds', 'segmentIndex', 'lengthMs', 'curation']
const CURATION_KEYS = ['path', 'excludeLabels', 'includeLabels', 'skipMerge']

/** Validates every option before any I/O; throws InvalidArgumentError naming the option. */
export function checkSpikeinterfaceOptions(options: unknown): CheckedSpikeinterfaceOptions {
  const given = options ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) throw new InvalidArgumentError('options', options, 'an object of spikeinterface loader options')
  const o = given as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (o[key] !== undefined && !KNOWN.includes(key)) throw new InvalidArgumentError(key, o[key], `one of the spikeinterface loader's options (${KNOWN.join(', ')})`)
  }
  const { samplingFrequency, unitIds, segmentIndex, lengthMs, curation } = o
  if (samplingFrequency !== undefined && samplingFrequency !== null && (typeof samplingFrequency !== 'number' || !Number.isFinite(samplingFrequency) || samplingFrequency <= 0)) {
    throw new InvalidArgumentError('samplingFrequency', samplingFrequency, 'a positive, finite sampling frequency in Hz (or null to use the sorting’s own)')
  }
  let ids: UnitId[] | undefined
  if (unitIds !== undefined && unitIds !== null) {
    if (!Array.isArray(unitIds) || !unitIds.every((id) => (typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'string')) {
      throw new InvalidArgumentError('unitIds', unitIds, 'an array of unit ids (integers or strings), or null for all units')
    }
    if (new Set(unitIds.map(idKey)).size !== unitIds.length) throw new InvalidArgumentError('unitIds', unitIds, 'unit ids without repetitions')
    ids = [...unitIds] as UnitId[]
  }
  if (segmentIndex !== undefined && (!Number.isSafeInteger(segmentIndex) || (segmentIndex as number) < 0)) {
    throw new InvalidArgumentError('segmentIndex', segmentIndex, 'a non-negative integer segment index')
  }
  if (lengthMs !== undefined && lengthMs !== null && (typeof lengthMs !== 'number' || !Number.isFinite(lengthMs) || lengthMs < 0)) {
    throw new InvalidArgumentError('lengthMs', lengthMs, 'a finite, non-negative number of milliseconds')
  }
  return {
    ...(typeof samplingFrequency === 'number' ? { samplingFrequency } : {}),
    ...(ids ? { unitIds: ids } : {}),
    segmentIndex: (segmentIndex as number | undefined) ?? 0,
    segmentGiven: segmentIndex !== undefined,
    ...(typeof lengthMs === 'number' ? { lengthMs } : {}),
    ...(curation !== undefined && curation !== null ? { curation: checkCuration(curation) } : {}),
  }
}

function checkCuration(value: unknown): NonNullable<CheckedSpikeinterfaceOptions['curation']> {
  if (typeof value === 'string') {
    if (value.trim() === '') throw new InvalidArgumentError('curation', value, 'the path of a curation JSON file (SortingView or SpikeInterface format)')
    return { path: value, skipMerge: false }
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError('curation', value, 'a path, or { path, excludeLabels?, includeLabels?, skipMerge? }')
  const c = value as Record<string, unknown>
  for (const key of Object.keys(c)) {
    if (c[key] !== undefined && !CURATION_KEYS.includes(key)) throw new InvalidArgumentError(`curation.${key}`, c[key], `one of ${CURATION_KEYS.join(', ')}`)
  }
  if (typeof c.path !== 'string' || c.path.trim() === '') throw new InvalidArgumentError('curation.path', c.path, 'the path of a curation JSON file (SortingView or SpikeInterface format)')
  const labels = (name: 'excludeLabels' | 'includeLabels'): string[] | undefined => {
    const v = c[name]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) throw new InvalidArgumentError(`curation.${name}`, v, 'a non-empty array of label strings')
    return [...v] as string[]
  }
  const excludeLabels = labels('excludeLabels')
  const includeLabels = labels('includeLabels')
  if (excludeLabels && includeLabels) throw new InvalidArgumentError('curation.includeLabels', includeLabels, 'either includeLabels or excludeLabels, not both (as apply_sortingview_curation)')
  const skipMerge = c.skipMerge ?? false
  if (typeof skipMerge !== 'boolean') throw new InvalidArgumentError('curation.skipMerge', skipMerge, 'true or false')
  return { path: c.path, ...(excludeLabels ? { excludeLabels } : {}), ...(includeLabels ? { includeLabels } : {}), skipMerge }
}

/** The key unit ids are compared by: their decimal / string form, so 7 and '7' name the same unit. */
export function idKey(id: UnitId): string {
  return String(id)
}

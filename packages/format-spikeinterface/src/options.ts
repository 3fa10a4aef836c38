import { InvalidArgumentError } from '@spikes/core'
import { durationMsOption, integerOption, positiveOption } from '@spikes/core/loader-utils'
import { array, boolean, check, description, minLength, number, object, optional, pipe, safeInteger, strictObject, string, union, type InferInput, type InferOutput } from 'valibot'
import { idKey, type UnitId } from './lib/sorting/unit-id.js'

export type { UnitId } from './lib/sorting/unit-id.js'

const UNIT_IDS = 'an array of unit ids (integers or strings), or null for all units'
const CURATION_PATH = 'the path of a curation JSON file (SortingView or SpikeInterface format)'
const LABELS = 'a non-empty array of label strings'
const curationPath = pipe(string(CURATION_PATH), check((p) => p.trim() !== '', CURATION_PATH))
const labels = (text: string) => optional(pipe(array(string(LABELS), LABELS), minLength(1, LABELS), description(text)))

/**
 * The curation to apply: a JSON path, or the path with apply_sortingview_curation's filters. The file is a
 * SortingView curation (`labelsByUnit`, `mergeGroups`) or, when it has a `format_version`, SpikeInterface's own
 * curation format (applied as `apply_curation`; the filters are then refused).
 */
export const curationSchema = strictObject(
  {
    path: pipe(curationPath, description('Curation JSON: relative to the input folder, or absolute.')),
    excludeLabels: labels('SortingView curations only: units carrying any of these labels are removed before merging (default: none, as SpikeInterface).'),
    includeLabels: labels('SortingView curations only: only units carrying one of these labels are kept (mutually exclusive with excludeLabels).'),
    skipMerge: optional(pipe(boolean('true or false'), description('SortingView curations only: apply the labels only, not the merge groups.')), false),
  },
  'one of path, excludeLabels, includeLabels, skipMerge',
)

/** The curation option as callers write it. */
export type CurationOption = InferInput<typeof curationSchema>

/** The options of the spikeinterface and spikeinterface-npz loaders: SpikeLab's keyword arguments in lowerCamelCase, plus `curation`. */
export const spikeinterfaceOptions = object({
  samplingFrequency: positiveOption(undefined, 'a positive, finite sampling frequency in Hz (or null to use the sorting’s own)', 'Overrides the sampling frequency written by SpikeInterface (Hz).'),
  unitIds: optional(
    pipe(
      array(union([pipe(number(UNIT_IDS), safeInteger(UNIT_IDS)), string(UNIT_IDS)], UNIT_IDS), UNIT_IDS),
      check((ids) => new Set(ids.map(idKey)).size === ids.length, 'unit ids without repetitions'),
      description("Units to load, in this order (default: all, in the sorting's order). After curation, merged ids count."),
    ),
  ),
  segmentIndex: integerOption(undefined, 0, 'a non-negative integer segment index', 'Segment of a multi-segment sorting (default 0).'),
  lengthMs: durationMsOption('Recording length in ms (default: the latest spike plus one float step).'),
  curation: optional(pipe(union([curationPath, curationSchema], 'a path, or { path, excludeLabels?, includeLabels?, skipMerge? }'), description('A curation to apply first (SortingView or SpikeInterface format): its path, or { path, excludeLabels, includeLabels, skipMerge }.'))),
})

/** The options as callers write them. */
export type SpikeinterfaceOptions = InferInput<typeof spikeinterfaceOptions>

/** {@link SpikeinterfaceOptions} after validation: defaults filled in, null read as absent. */
export interface CheckedSpikeinterfaceOptions {
  readonly samplingFrequency?: number
  readonly unitIds?: readonly UnitId[]
  readonly segmentIndex: number
  /** True when the caller chose the segment (no warning for multi-segment sortings then). */
  readonly segmentGiven: boolean
  readonly lengthMs?: number
  readonly curation?: Readonly<{ path: string; excludeLabels?: readonly string[]; includeLabels?: readonly string[]; skipMerge: boolean }>
}

/** A curation path becomes { path }; the two label filters exclude each other; segment 0 unless given. */
export function resolveSpikeinterfaceOptions(o: InferOutput<typeof spikeinterfaceOptions>): CheckedSpikeinterfaceOptions {
  const { segmentIndex, curation, ...rest } = o
  const c = typeof curation === 'string' ? { path: curation, skipMerge: false } : curation
  if (c?.excludeLabels && c.includeLabels) throw new InvalidArgumentError('curation.includeLabels', c.includeLabels, 'either includeLabels or excludeLabels, not both (as apply_sortingview_curation)')
  return { ...dropUndefined(rest), segmentIndex: segmentIndex ?? 0, segmentGiven: segmentIndex !== undefined, ...(c ? { curation: dropUndefined(c) as CheckedSpikeinterfaceOptions['curation'] } : {}) }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

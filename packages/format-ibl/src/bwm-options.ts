import { textOption } from '@spikes/core/loader-utils'
import { check, description, finite, literal, minValue, nullable, number, object, optional, pipe, regex, safeInteger, strictObject, strictTuple, string, transform, union, type InferInput, type InferOutput } from 'valibot'
import { BWM_DEFAULT_CRITERIA, type BwmCriteria } from './ibl/bwm-units.js'

/** The Brain-Wide Map release whose aggregate tables are read by default. */
export const DEFAULT_BWM_RELEASE = '2024_Q2_IBL_et_al_BWM'
/** The public bucket of the Brain-Wide Map aggregates. */
export const BWM_BUCKET = 'https://ibl-brain-wide-map-public.s3.amazonaws.com'
/** The default release's aggregate clusters table (see the README on Beryl regions). */
export const DEFAULT_UNITS_TABLE = `${BWM_BUCKET}/aggregates/${DEFAULT_BWM_RELEASE}/clusters.pqt`

const RELEASE = "a release tag such as '2024_Q2_IBL_et_al_BWM'"
const MD5 = 'an MD5 digest (32 hexadecimal digits)'
const CRITERIA = 'false or { minQc?, minErrors?, minUnitsSessions? }'
const COUNT = 'a number >= 0, or null'
const UNITS_SESSIONS = '[units per session per region, sessions per region], or null'
const TRIALS = 'a URL or a path to the trials aggregate, or null'

const criterion = (text: string) => optional(nullable(pipe(number(COUNT), finite(COUNT), minValue(0, COUNT), description(text))))
const wholeCount = pipe(number(UNITS_SESSIONS), safeInteger(UNITS_SESSIONS), minValue(0, UNITS_SESSIONS))

/** bwm_units' criteria as options (its keyword arguments in lowerCamelCase); null turns one off, absent keeps the default. */
export const bwmUnitsOptions = strictObject(
  {
    minQc: criterion('Units with label >= minQc (default 1).'),
    minErrors: criterion('Sessions with at least this many error trials among the trials marked bwm_include (default 3).'),
    minUnitsSessions: optional(nullable(pipe(strictTuple([wholeCount, wholeCount], UNITS_SESSIONS), description('[units per session per region, sessions per region] a region needs (default [10, 2]).')))),
  },
  CRITERIA,
)

/** The Brain-Wide Map table options shared by the `ibl` loader and queryIblProbes. */
export const bwmTableEntries = {
  release: optional(pipe(string(RELEASE), regex(/^[\w.-]+$/, RELEASE), description('Release tag of the aggregate tables: `aggregates/<release>/clusters.pqt` and `trials.pqt` on the public bucket.')), DEFAULT_BWM_RELEASE),
  unitsTable: textOption(undefined, 'a URL or a path to the Brain-Wide Map unit table', "The unit table (URL or local path of a parquet/CSV table with eid, pid, cluster_id, label and Beryl or atlas_id); default the release's clusters.pqt. A table with a Beryl column is used as it is."),
  unitsTableMd5: optional(pipe(string(MD5), regex(/^[0-9a-f]{32}$/i, MD5), transform((v) => v.toLowerCase()), description("Expected MD5 of the unit table (else the bucket's ETag, when it is an MD5, is checked)."))),
  trialsTable: optional(
    nullable(
      pipe(
        string(TRIALS),
        check((v) => v.trim() !== '', TRIALS),
        description("The trials aggregate for bwm_units' session criterion (default trials.pqt beside a clusters.pqt); null: that criterion is not applied."),
      ),
    ),
  ),
  bwmUnits: optional(pipe(union([literal(false, CRITERIA), bwmUnitsOptions], CRITERIA), description("bwm_units' criteria, applied to a table without a Beryl column (default { minQc: 1, minErrors: 3, minUnitsSessions: [10, 2] }); false: none."))),
}

/** The Brain-Wide Map table options on their own, as a schema (the `ibl` loader and queryIblProbes take them all). */
export const bwmTableOptions = object(bwmTableEntries)
/** The Brain-Wide Map table options as callers write them. */
export type BwmTableOptions = InferInput<typeof bwmTableOptions>
/** bwm_units' criteria as callers write them. */
export type BwmUnitsOptions = InferInput<typeof bwmUnitsOptions>

/** {@link BwmTableOptions} after checking and {@link resolveBwmTables}: the unit table location and bwm_units' settings. */
export interface ResolvedBwmTables {
  release: string
  unitsTable: string
  unitsTableMd5: string | undefined
  /** undefined: trials.pqt beside clusters.pqt; null: no session criterion. */
  trialsTable: string | null | undefined
  bwmUnits: BwmCriteria | false
}

/** The derived defaults: the unit table from the release, each bwm_units criterion not given from bwm_units' own. */
export function resolveBwmTables(parsed: InferOutput<typeof bwmTableOptions>): ResolvedBwmTables {
  const { release, unitsTable, unitsTableMd5, trialsTable, bwmUnits } = parsed
  const criteria =
    bwmUnits === false
      ? false
      : {
          minQc: bwmUnits?.minQc === undefined ? BWM_DEFAULT_CRITERIA.minQc : bwmUnits.minQc,
          minErrors: bwmUnits?.minErrors === undefined ? BWM_DEFAULT_CRITERIA.minErrors : bwmUnits.minErrors,
          minUnitsSessions: bwmUnits?.minUnitsSessions === undefined ? BWM_DEFAULT_CRITERIA.minUnitsSessions : bwmUnits.minUnitsSessions,
        }
  return { release, unitsTable: unitsTable ?? `${BWM_BUCKET}/aggregates/${release}/clusters.pqt`, unitsTableMd5, trialsTable, bwmUnits: criteria }
}

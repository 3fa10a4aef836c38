import type { Table } from '../lib/parquet.js'

/** brainwidemap.bwm_units' criteria (its keyword arguments in lowerCamelCase); null turns one off. */
export interface BwmCriteria {
  /** Units with `label >= minQc` (default 1). */
  minQc: number | null
  /** Sessions with at least this many error trials (feedbackType -1) among the trials marked `bwm_include` (default 3). */
  minErrors: number | null
  /** [units per session per region, sessions per region] a region needs (default [10, 2]). */
  minUnitsSessions: readonly [number, number] | null
}

/** bwm_units' defaults: label >= 1, 3 error trials, 10 units per session in 2 sessions per region. */
export const BWM_DEFAULT_CRITERIA: BwmCriteria = { minQc: 1, minErrors: 3, minUnitsSessions: [10, 2] }

const EXCLUDED_REGIONS = new Set(['void', 'root'])

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/**
 * bwm_units' session filter (filter_sessions): the sessions of the trials aggregate, counting only trials whose
 * `bwm_include` is true, with at least `minErrors` error trials. A session absent from the table is not kept.
 */
export function sessionsPassingTrials(trials: Table, minErrors: number | null): Set<string> {
  const eid = trials.columns.get('eid')
  const include = trials.columns.get('bwm_include')
  const feedback = trials.columns.get('feedbackType')
  const errors = new Map<string, number>()
  for (let r = 0; r < trials.numRows; r++) {
    const e = text(eid?.[r])
    if (e === undefined) continue
    if (include && include[r] !== true && include[r] !== 1) continue
    errors.set(e, (errors.get(e) ?? 0) + (Number(feedback?.[r]) === -1 ? 1 : 0))
  }
  const out = new Set<string>()
  for (const [e, n] of errors) if (!minErrors || n >= minErrors) out.add(e)
  return out
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * bwm_units' unit filter (filter_units_region with the Beryl mapping): rows of the kept sessions with
 * `label >= minQc` and a Beryl region other than void/root; then only (region, session) pairs with at least
 * minUnitsSessions[0] units, in regions that keep at least minUnitsSessions[1] such sessions. Returned in the
 * order pandas' merge leaves them: by region, then session, then table order (table order without the region
 * criterion).
 */
export function bwmUnitRows(clusters: Table, beryl: readonly (string | undefined)[], sessions: Set<string> | undefined, criteria: BwmCriteria): number[] {
  const eid = clusters.columns.get('eid')
  const label = clusters.columns.get('label')
  const rows: number[] = []
  for (let r = 0; r < clusters.numRows; r++) {
    const e = text(eid?.[r])
    if (sessions && (e === undefined || !sessions.has(e))) continue
    if (criteria.minQc && !(Number(label?.[r]) >= criteria.minQc)) continue
    const region = beryl[r]
    if (region === undefined || EXCLUDED_REGIONS.has(region)) continue
    rows.push(r)
  }
  if (!criteria.minUnitsSessions) return rows
  const [minUnits, minSessions] = criteria.minUnitsSessions
  const key = (r: number) => `${beryl[r]}\u0000${text(eid?.[r]) ?? ''}`
  const units = new Map<string, number>()
  for (const r of rows) units.set(key(r), (units.get(key(r)) ?? 0) + 1)
  const sessionsPerRegion = new Map<string, number>()
  for (const [k, n] of units) if (n >= minUnits) sessionsPerRegion.set(k.split('\u0000')[0]!, (sessionsPerRegion.get(k.split('\u0000')[0]!) ?? 0) + 1)
  const kept = rows.filter((r) => units.get(key(r))! >= minUnits && sessionsPerRegion.get(beryl[r]!)! >= minSessions)
  return kept.sort((a, b) => compare(beryl[a]!, beryl[b]!) || compare(text(eid?.[a]) ?? '', text(eid?.[b]) ?? '') || a - b)
}

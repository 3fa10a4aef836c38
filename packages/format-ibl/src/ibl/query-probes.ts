import { InvalidArgumentError } from '@spikes/core'
import { checkQueryIblProbesOptions, DEFAULT_ALYX_URL, type QueryIblProbesOptions } from '../options.js'
import { memoryOnlyMessage, openCache, type HttpSettings } from './cache.js'
import { loadUnitsTable, type UnitsTable } from './units-table.js'

/** One probe's row in {@link IblProbesResult}, with SpikeLab's column names. */
export interface ProbeStats {
  eid: string
  pid: string
  /** Good units (label == 1) with a cluster id. */
  n_good_units: number
  /** Good units in the target regions; only when targetRegions is given. */
  n_in_target?: number
  /** n_in_target / n_good_units (0 for a probe without good units); only when targetRegions is given. */
  fraction_in_target?: number
}

/** What {@link queryIblProbes} and {@link probesFromUnits} return. */
export interface IblProbesResult {
  /** (eid, pid) pairs, most good units first. */
  probes: [string, string][]
  /** One row per matching probe, in the same order. */
  stats: ProbeStats[]
}

/**
 * SpikeLab's query_ibl_probes over a unit table already in memory: good units (label == 1) grouped by
 * (eid, pid) in sorted key order, the region columns when targetRegions is given, the filters, then a
 * stable sort by good-unit count, descending.
 */
export function probesFromUnits(units: UnitsTable, targetRegions: readonly string[] | null | undefined, minUnits = 0, minFractionInTarget = 0): IblProbesResult {
  const groups = new Map<string, { eid: string; pid: string; n: number; inTarget: number }>()
  const targets = targetRegions ? new Set(targetRegions) : undefined
  for (let r = 0; r < units.numRows; r++) {
    if (Number(units.label[r]) !== 1) continue
    const eid = units.eid[r]
    const pid = units.pid[r]
    if (typeof eid !== 'string' || typeof pid !== 'string') continue
    const key = `${eid}\u0000${pid}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { eid, pid, n: 0, inTarget: 0 }))
    const cluster = units.clusterId[r]
    if (cluster === null || cluster === undefined || (typeof cluster === 'number' && Number.isNaN(cluster))) continue
    g.n++
    if (targets && units.region && targets.has(units.region[r] as string)) g.inTarget++
  }
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let stats: ProbeStats[] = keys.map((k) => {
    const g = groups.get(k)!
    const row: ProbeStats = { eid: g.eid, pid: g.pid, n_good_units: g.n }
    if (targets) {
      row.n_in_target = g.inTarget
      row.fraction_in_target = g.n > 0 ? g.inTarget / g.n : 0
    }
    return row
  })
  stats = stats.filter((s) => s.n_good_units >= minUnits && (!targets || s.fraction_in_target! >= minFractionInTarget))
  stats.sort((a, b) => b.n_good_units - a.n_good_units)
  return { probes: stats.map((s) => [s.eid, s.pid]), stats }
}

/** Probes of the Brain-Wide Map with enough good units (and enough of them in the target regions), as SpikeLab's query_ibl_probes. */
export async function queryIblProbes(options: QueryIblProbesOptions = {}): Promise<IblProbesResult> {
  const { targetRegions = null, minUnits, minFractionInTarget, mode, unitsTable, unitsTableMd5, trialsTable, bwmUnits, cacheDir, timeoutMs, retries } = checkQueryIblProbesOptions(options)
  const cache = await openCache(cacheDir, DEFAULT_ALYX_URL, (dir, error) => options.onWarning?.({ code: 'SPIKES_WARN_IBL_CACHE_IN_MEMORY', message: memoryOnlyMessage(dir, error) }))
  const http: HttpSettings = { fetch: options.fetch, timeoutMs, retries, signal: options.signal }
  const units = await loadUnitsTable({
    location: unitsTable,
    md5: unitsTableMd5,
    trialsLocation: trialsTable,
    criteria: bwmUnits,
    warn: (code, message, details) => options.onWarning?.({ code, message, ...(details ? { details } : {}) }),
    mode,
    cache,
    http,
    onOffline: (error) => options.onWarning?.({ code: 'SPIKES_WARN_IBL_OFFLINE', message: `The unit table could not be downloaded (${error.message}); using the cached copy.` }),
  })
  if (targetRegions && !units.region) throw new InvalidArgumentError('targetRegions', targetRegions, 'null: the unit table has no Beryl, atlas_id or acronym column to filter on')
  return probesFromUnits(units, targetRegions, minUnits, minFractionInTarget)
}

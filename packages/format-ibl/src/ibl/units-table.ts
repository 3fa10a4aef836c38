import { nodeImport } from '@spikes/core/loader-utils'
import { InvalidArgumentError, MissingEntryError, MissingFileError, baseName, type ByteSource } from '@spikes/core'
import { readParquetTable, type Table, type TableColumn } from '../lib/parquet.js'
import { parseDelimited } from '../lib/read-attribute.js'
import type { HttpSettings, OneCache } from './cache.js'
import { isUnreachable } from './alyx.js'
import { atlasRegions } from './atlas.js'
import { bwmUnitRows, sessionsPassingTrials, type BwmCriteria } from './bwm-units.js'

/** The Brain-Wide Map unit table: one row per unit; the loaders read eid, pid, cluster_id, label and Beryl. */
export interface UnitsTable {
  readonly numRows: number
  readonly eid: readonly unknown[]
  readonly pid: readonly unknown[]
  readonly clusterId: ArrayLike<unknown>
  readonly label: ArrayLike<unknown>
  /** The Beryl region column (given, or derived from atlas_id), failing that `acronym`; undefined when neither. */
  readonly region: ArrayLike<unknown> | undefined
  readonly regionColumn: string | undefined
  readonly columns: Table['columns']
  /** How the rows were chosen: 'bwm_units' (release criteria applied), 'as-is' (a table that already has Beryl), 'unfiltered'. */
  readonly selection: 'bwm_units' | 'as-is' | 'unfiltered'
}

const REQUIRED = ['eid', 'pid', 'cluster_id', 'label']
/** The columns read from the table: the required ones, the region columns and the per-unit attributes. */
const WANTED = [...REQUIRED, 'atlas_id', 'Beryl', 'Cosmos', 'acronym', 'firing_rate', 'presence_ratio', 'amp_median', 'contamination', 'drift', 'noise_cutoff']

export interface UnitsTableSettings {
  location: string
  md5: string | undefined
  /** The trials aggregate for the session criterion; undefined: `trials.pqt` beside a `clusters.pqt`; null: none. */
  trialsLocation: string | null | undefined
  /** bwm_units' criteria for a table without Beryl (the release aggregate); false: Beryl only, every row. */
  criteria: BwmCriteria | false
  mode: 'remote' | 'local'
  cache: OneCache
  http: HttpSettings
  onOffline?: (error: Error) => void
  warn?: (code: string, message: string, details?: Record<string, unknown>) => void
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** `bwm_tables/<the URL's path>` in the cache, so tables of two releases never share a file. */
function cachePath(url: string): string {
  let path = baseName(url) || 'units.pqt'
  try {
    path = new URL(url).pathname
  } catch {
    // keep the base name
  }
  const parts = path.split('/').map((p) => p.replace(/[^\w.-]+/g, '_')).filter((p) => p && p !== '.' && p !== '..')
  return ['bwm_tables', ...parts].join('/')
}

/** A table file: a URL is downloaded once into the cache (size, MD5 from the option or the ETag) and reused, offline too; a path is read in place (Node). */
async function openTable(location: string, md5: string | undefined, settings: UnitsTableSettings): Promise<ByteSource> {
  const { cache } = settings
  if (!isUrl(location)) {
    try {
      const { fileSource } = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
      return await fileSource(location)
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SPIKES_')) throw error
      throw new InvalidArgumentError('unitsTable', location, 'a URL (local paths need Node)')
    }
  }
  const relPath = cachePath(location)
  if (settings.mode === 'local') {
    if (!(await cache.has(relPath))) throw new MissingFileError(relPath, cache.root ?? 'the cache', "mode is 'local': load once with mode 'remote' to download the Brain-Wide Map tables.")
  } else {
    try {
      await cache.fetchFile({ relPath, url: location, md5, md5FromEtag: true }, settings.http)
    } catch (error) {
      if (!(isUnreachable(error) && (await cache.has(relPath)))) throw error
      settings.onOffline?.(error as Error)
    }
  }
  return cache.open(relPath)
}

async function readTable(location: string, md5: string | undefined, settings: UnitsTableSettings, columns?: string[]): Promise<Table> {
  const source = await openTable(location, md5, settings)
  try {
    if (/\.(csv|tsv)$/i.test(source.name)) {
      const { readText } = await import('@spikes/core')
      return parseDelimited(await readText(source, 512 * 1024 * 1024), /\.tsv$/i.test(source.name) ? '\t' : ',', source.name)
    }
    return await readParquetTable(source, columns ? { columns } : {})
  } finally {
    await source.close().catch(() => {})
  }
}

function trialsBeside(location: string): string | undefined {
  return /(^|\/)clusters\.pqt$/i.test(location.replace(/[?#].*$/, '')) ? location.replace(/clusters\.pqt(?=$|[?#])/i, 'trials.pqt') : undefined
}

function pick(column: TableColumn, rows: readonly number[]): TableColumn {
  if (column instanceof Float64Array) return Float64Array.from(rows, (r) => column[r]!)
  return rows.map((r) => column[r])
}

/** The rows bwm_units keeps, and the Beryl / Cosmos columns it derives from atlas_id. */
async function bwmSelection(table: Table, settings: UnitsTableSettings): Promise<{ rows: number[]; beryl: (string | undefined)[]; cosmos: (string | undefined)[] }> {
  const atlasIds = table.columns.get('atlas_id')!
  const regions = Array.from({ length: table.numRows }, (_, r) => atlasRegions(atlasIds[r]))
  const beryl = regions.map((g) => g?.beryl)
  const cosmos = regions.map((g) => g?.cosmos)
  if (settings.criteria === false) return { rows: Array.from({ length: table.numRows }, (_, r) => r), beryl, cosmos }
  const trialsLocation = settings.trialsLocation === undefined ? trialsBeside(settings.location) : (settings.trialsLocation ?? undefined)
  let sessions: Set<string> | undefined
  if (trialsLocation) sessions = sessionsPassingTrials(await readTable(trialsLocation, undefined, settings, ['eid', 'bwm_include', 'feedbackType']), settings.criteria.minErrors)
  else if (settings.trialsLocation === undefined) settings.warn?.('SPIKES_WARN_IBL_NO_TRIALS_TABLE', `No trials aggregate is known for ${settings.location}; the Brain-Wide Map session criterion (at least ${settings.criteria.minErrors} error trials) is not applied. Pass trialsTable (or null to silence this).`, { table: settings.location })
  return { rows: bwmUnitRows(table, beryl, sessions, settings.criteria), beryl, cosmos }
}

/**
 * The unit table as brainwidemap.bwm_units builds it. A table with a `Beryl` column is taken as bwm_units'
 * output and used as it is; the release aggregate (atlas_id, no Beryl) gets Beryl and Cosmos from the bundled
 * Allen mapping and bwm_units' criteria (trials aggregate, label, void/root, units and sessions per region).
 */
export async function loadUnitsTable(settings: UnitsTableSettings): Promise<UnitsTable> {
  const table = await readTable(settings.location, settings.md5, settings, WANTED)
  const names = [...table.columns.keys()]
  for (const c of REQUIRED) if (!table.columns.has(c)) throw new MissingEntryError(c, `the Brain-Wide Map unit table (${settings.location})`, names, 'The table needs eid, pid, cluster_id, label and atlas_id (the release aggregate clusters.pqt) or Beryl (the output of brainwidemap.bwm_units).')
  let columns = table.columns
  let numRows = table.numRows
  let selection: UnitsTable['selection'] = 'as-is'
  if (!columns.has('Beryl') && columns.has('atlas_id')) {
    const chosen = await bwmSelection(table, settings)
    const out = new Map<string, TableColumn>()
    for (const [name, column] of columns) out.set(name, pick(column, chosen.rows))
    out.set('Beryl', pick(chosen.beryl, chosen.rows))
    if (!out.has('Cosmos')) out.set('Cosmos', pick(chosen.cosmos, chosen.rows))
    columns = out
    numRows = chosen.rows.length
    selection = settings.criteria === false ? 'unfiltered' : 'bwm_units'
  }
  const regionColumn = columns.has('Beryl') ? 'Beryl' : columns.has('acronym') ? 'acronym' : undefined
  return {
    numRows,
    eid: Array.from(columns.get('eid')!),
    pid: Array.from(columns.get('pid')!),
    clusterId: columns.get('cluster_id')!,
    label: columns.get('label')!,
    region: regionColumn ? columns.get(regionColumn) : undefined,
    regionColumn,
    columns,
    selection,
  }
}

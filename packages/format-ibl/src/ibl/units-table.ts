import { nodeImport } from '@spikes/core/loader-utils'
import { InvalidArgumentError, MissingEntryError, type ByteSource } from '@spikes/core'
import { baseName } from '@spikes/core'
import { readParquetTable, type Table } from '../lib/parquet.js'
import { parseDelimited } from '../lib/read-attribute.js'
import type { HttpSettings, OneCache } from './cache.js'
import { isUnreachable } from './alyx.js'

/** The Brain-Wide Map unit table: one row per unit, SpikeLab reads eid, pid, cluster_id, label and Beryl. */
export interface UnitsTable {
  readonly numRows: number
  readonly eid: readonly unknown[]
  readonly pid: readonly unknown[]
  readonly clusterId: ArrayLike<unknown>
  readonly label: ArrayLike<unknown>
  /** The Beryl region column (or, failing it, `acronym`); undefined when neither exists. */
  readonly region: ArrayLike<unknown> | undefined
  readonly regionColumn: string | undefined
  readonly columns: Table['columns']
}

const REQUIRED = ['eid', 'pid', 'cluster_id', 'label']

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

async function tableFrom(source: ByteSource, name: string): Promise<Table> {
  if (/\.(csv|tsv)$/i.test(name)) {
    const { readText } = await import('@spikes/core')
    return parseDelimited(await readText(source, 512 * 1024 * 1024), /\.tsv$/i.test(name) ? '\t' : ',', name)
  }
  return readParquetTable(source)
}

export interface UnitsTableSettings {
  location: string
  md5: string | undefined
  mode: 'remote' | 'local'
  cache: OneCache
  http: HttpSettings
  onOffline?: (error: Error) => void
}

/**
 * Gets the unit table: a URL is downloaded once into `<cache>/bwm_tables/` (size/MD5 checked) and reused,
 * offline too; a path is read in place (Node).
 */
export async function loadUnitsTable(settings: UnitsTableSettings): Promise<UnitsTable> {
  const { location, cache } = settings
  let source: ByteSource
  if (isUrl(location)) {
    const name = baseName(location) || 'units.pqt'
    const relPath = `bwm_tables/${name}`
    if (settings.mode === 'local') {
      if (!(await cache.has(relPath))) {
        const { MissingFileError } = await import('@spikes/core')
        throw new MissingFileError(relPath, cache.root ?? 'the cache', "mode is 'local': load once with mode 'remote' to download the Brain-Wide Map unit table.")
      }
    } else {
      try {
        await cache.fetchFile({ relPath, url: location, md5: settings.md5 }, settings.http)
      } catch (error) {
        if (!(isUnreachable(error) && (await cache.has(relPath)))) throw error
        settings.onOffline?.(error as Error)
      }
    }
    source = await cache.open(relPath)
  } else {
    let fileSource: (p: string) => Promise<ByteSource>
    try {
      ;({ fileSource } = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node'))
    } catch {
      throw new InvalidArgumentError('unitsTable', location, 'a URL (local paths need Node)')
    }
    source = await fileSource(location)
  }
  let table: Table
  try {
    table = await tableFrom(source, source.name)
  } finally {
    await source.close().catch(() => {})
  }
  const names = [...table.columns.keys()]
  for (const c of REQUIRED) if (!table.columns.has(c)) throw new MissingEntryError(c, `the Brain-Wide Map unit table (${location})`, names, 'The table needs eid, pid, cluster_id, label and Beryl columns (the output of brainwidemap.bwm_units).')
  const regionColumn = table.columns.has('Beryl') ? 'Beryl' : table.columns.has('acronym') ? 'acronym' : undefined
  const asList = (c: string) => Array.from(table.columns.get(c)!, (v) => v) as unknown[]
  return {
    numRows: table.numRows,
    eid: asList('eid'),
    pid: asList('pid'),
    clusterId: table.columns.get('cluster_id')!,
    label: table.columns.get('label')!,
    region: regionColumn ? table.columns.get(regionColumn) : undefined,
    regionColumn,
    columns: table.columns,
  }
}

import { InvalidDataError, readText, type FolderSource, type LoadContext } from '@spikes/core'
import { cellValue, findColumn, intColumn, parseTsv, type TsvTable } from './tsv.js'

const KEEP_LABELS = new Set(['good', 'mua', 'mua good'])
const MAX_TSV_BYTES = 64 * 1024 * 1024
/** Attribute keys the loader sets itself; a TSV column never overwrites them. */
const RESERVED = new Set(['unit_id', 'electrode', 'location', 'label', '__proto__', 'constructor', 'prototype'])

export function isKeptLabel(label: string | undefined): boolean {
  return label !== undefined && KEEP_LABELS.has(label.toLowerCase())
}

/** Reads a TSV from the folder; undefined when it has no header at all. */
export async function readTsv(folder: FolderSource, file: string): Promise<TsvTable | undefined> {
  const source = await folder.open(file)
  try {
    return parseTsv(await readText(source, MAX_TSV_BYTES))
  } finally {
    await source.close()
  }
}

export interface SpikeLabTsvResult {
  /** Clusters to keep; undefined = keep all. */
  keep?: Set<number>
  /** cluster id -> channel from the `ch` column. */
  channels?: Map<number, number>
}

/** SpikeLab's handling of an explicit cluster_info_tsv: filter by label, and the `ch` column. */
export function spikeLabTsv(table: TsvTable | undefined, file: string, folderName: string, includeNoise: boolean, context: LoadContext): SpikeLabTsvResult {
  if (!table) {
    throw new InvalidDataError(`Cluster info TSV '${file}' in ${folderName} is empty (no header row). Provide a TSV with at least a header row, or omit clusterInfoTsv to skip cluster filtering.`, { file, folder: folderName })
  }
  const labelCol = findColumn(table, 'group', 'KSLabel')
  const idCol = findColumn(table, 'cluster_id', 'id')
  const result: SpikeLabTsvResult = {}
  if (idCol < 0 || labelCol < 0) {
    context.warn('SPIKES_WARN_TSV_COLUMNS', `Could not find id/label columns in cluster TSV '${file}' (need cluster_id or id, and group or KSLabel; found ${table.columns.join(', ')}); keeping all clusters.`, {
      file,
      columns: table.columns,
    })
  } else {
    const ids = intColumn(table, idCol)
    if (typeof ids === 'string') {
      context.warn('SPIKES_WARN_TSV_PARSE', `Failed parsing cluster info TSV '${file}': ${ids}; keeping all clusters.`, { file, column: table.columns[idCol] })
      return result
    }
    result.keep = new Set(includeNoise ? ids : ids.filter((_, r) => isKeptLabel(table.rows[r][labelCol] || 'nan')))
  }
  const chCol = table.columns.indexOf('ch')
  if (idCol >= 0 && chCol >= 0) {
    const ids = intColumn(table, idCol)
    const chs = intColumn(table, chCol)
    if (typeof ids === 'string' || typeof chs === 'string') {
      context.warn('SPIKES_WARN_TSV_CH_COLUMN', `Failed parsing 'ch' column from cluster TSV '${file}' (${typeof ids === 'string' ? ids : chs}); falling back to templates / channel_map for cluster→channel mapping.`, { file })
    } else {
      result.channels = new Map(ids.map((id, r) => [id, chs[r]]))
    }
  }
  return result
}

export interface ClusterTables {
  /** Label of each cluster: cluster_group.tsv, then cluster_info.tsv `group`, then KSLabel. */
  labels: Map<number, string>
  /** Every other column of every cluster_*.tsv, by cluster id. */
  attributes: Map<number, Record<string, number | string>>
  /** True when any label source was found. */
  hasLabels: boolean
  /** The cluster ids of each table's rows, in row order (tables whose ids could be parsed). */
  rowIds: Map<string, number[]>
}

/** Phy writes cluster_group.tsv for the clusters a user labelled only: a missing row there means unlabelled. */
const SPARSE_TABLES = /^cluster_group\.tsv$/i

/**
 * Per-cluster tables hold one row per cluster: a table that repeats an id, or (except the sparse
 * cluster_group.tsv) lacks clusters that have spikes, gets a SPIKES_WARN_TSV_ROWS warning naming the table, the
 * numbers and a few of the ids (a repeated id's later row wins; clusters without a row get no attributes from it).
 */
export function warnTableRows(tables: ClusterTables, clusterIds: readonly number[], context: LoadContext): void {
  for (const [file, ids] of tables.rowIds) {
    const rows = new Set(ids)
    const repeated = ids.length - rows.size
    const missing = SPARSE_TABLES.test(file) ? [] : clusterIds.filter((id) => !rows.has(id))
    if (repeated === 0 && missing.length === 0) continue
    const parts = [repeated ? `${repeated} repeated cluster id${repeated === 1 ? '' : 's'}` : '', missing.length ? `no row for ${missing.length} of the ${clusterIds.length} clusters with spikes (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})` : ''].filter(Boolean)
    const why = missing.length ? ' (clusters made by merging or splitting in Phy have no row in the tables KiloSort wrote)' : ''
    context.warn('SPIKES_WARN_TSV_ROWS', `${file} has ${ids.length} rows for ${clusterIds.length} clusters: ${parts.join('; ')}. The rows present are matched by cluster id${why}.`, { file, rows: ids.length, clusters: clusterIds.length, repeated, missing: missing.length })
  }
}

/** The folder's TSVs, each read once: the table, undefined for one without a header, or the read error. */
export type TsvFiles = Map<string, TsvTable | undefined | Error>

/** Reads each named TSV once (an unreadable one keeps its error, for the caller to report). */
export async function readTsvFiles(folder: FolderSource, files: readonly string[]): Promise<TsvFiles> {
  const out: TsvFiles = new Map()
  for (const file of new Set(files)) {
    try {
      out.set(file, await readTsv(folder, file))
    } catch (error) {
      out.set(file, error instanceof Error ? error : new Error(String(error)))
    }
  }
  return out
}

/**
 * Merges the cluster tables read by readTsvFiles (the folder's cluster_*.tsv, plus an explicit table
 * elsewhere). Unreadable tables, or tables without an id column, are reported with a warning and skipped.
 */
export function mergeClusterTables(files: TsvFiles, context: LoadContext, explicit?: string): ClusterTables {
  // The explicit table already reported its own problems (SpikeLab's warnings); stay quiet about it here.
  const warn = (file: string, code: string, message: string, details: Record<string, unknown>): void => {
    if (file !== explicit) context.warn(code, message, details)
  }
  const tables = new Map<string, TsvTable>()
  for (const [file, t] of files) {
    if (t instanceof Error) warn(file, 'SPIKES_WARN_TSV_UNREADABLE', `Could not read ${file}: ${t.message}; its columns are not attached.`, { file })
    else if (t) tables.set(file, t)
  }
  const labels = new Map<number, string>()
  const attributes = new Map<number, Record<string, number | string>>()
  const idsOf = (file: string, t: TsvTable): number[] | undefined => {
    const col = findColumn(t, 'cluster_id', 'id')
    if (col < 0) {
      warn(file, 'SPIKES_WARN_TSV_NO_ID', `${file} has no cluster_id or id column; its columns are not attached.`, { file, columns: t.columns })
      return undefined
    }
    const ids = intColumn(t, col)
    if (typeof ids === 'string') {
      warn(file, 'SPIKES_WARN_TSV_PARSE', `Failed parsing ${file}: ${ids}; its columns are not attached.`, { file })
      return undefined
    }
    return ids
  }
  // Label priority, lowest first so that later sources overwrite: KSLabel, cluster_info group, cluster_group.
  const layers: { file: string; column: string[] }[] = [
    ...[...tables.keys()].filter((f) => f !== 'cluster_group.tsv').map((f) => ({ file: f, column: ['KSLabel'] })),
    { file: 'cluster_info.tsv', column: ['group'] },
    { file: 'cluster_group.tsv', column: ['group', 'KSLabel'] },
  ]
  const parsedIds = new Map<string, number[] | undefined>()
  for (const [file, t] of tables) parsedIds.set(file, idsOf(file, t))
  let hasLabels = false
  for (const { file, column } of layers) {
    const t = tables.get(file)
    const ids = parsedIds.get(file)
    if (!t || !ids) continue
    const col = findColumn(t, ...column)
    if (col < 0) continue
    hasLabels = true
    ids.forEach((id, r) => {
      const label = t.rows[r][col]
      if (label !== '') labels.set(id, label)
    })
  }
  // Attributes: cluster_group.tsv last so its `group` (the curated label) wins.
  const order = [...tables.keys()].sort((a, b) => (a === 'cluster_group.tsv' ? 1 : b === 'cluster_group.tsv' ? -1 : a < b ? -1 : a > b ? 1 : 0))
  for (const file of order) {
    const t = tables.get(file)!
    const ids = parsedIds.get(file)
    if (!ids) continue
    const idCol = findColumn(t, 'cluster_id', 'id')
    ids.forEach((id, r) => {
      let record = attributes.get(id)
      if (!record) attributes.set(id, (record = {}))
      t.columns.forEach((name, c) => {
        if (c === idCol || name === '' || RESERVED.has(name)) return
        const v = cellValue(t.rows[r][c] ?? '')
        if (v !== undefined) record[name] = v
      })
    })
  }
  const rowIds = new Map<string, number[]>()
  for (const [file, ids] of parsedIds) if (ids && file !== explicit) rowIds.set(file, ids)
  return { labels, attributes, hasLabels, rowIds }
}

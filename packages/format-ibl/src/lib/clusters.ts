import type { AttributeValue } from './read-attribute.js'
import { columnOf } from './read-attribute.js'
import { numberAt } from './alf-objects.js'

/** ALF cluster attributes with a SpikeLab-style neuron attribute name. */
const RENAMES: Record<string, string> = {
  channels: 'electrode',
  depths: 'depth',
  amps: 'amplitude',
  peakToTrough: 'peak_to_trough',
  uuids: 'uuid',
  brainLocationIds_ccf_2017: 'atlas_id',
  brainLocationAcronyms_ccf_2017: 'acronym',
  acronym: 'acronym',
  atlas_id: 'atlas_id',
}
const INTEGER_KEYS = new Set(['electrode', 'atlas_id', 'cluster_id'])

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

function cell(col: ArrayLike<unknown>, row: number): unknown {
  if (row < 0 || row >= col.length) return undefined
  const v = col[row]
  if (v === null || v === undefined) return undefined
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string' || typeof v === 'boolean') return v
  return undefined
}

/** Per-cluster attribute lookup built from the clusters object (row = cluster id, or the metrics table's cluster_id column). */
export class ClusterAttributes {
  private readonly vectors: [string, ArrayLike<unknown>][] = []
  private readonly tables: { rowOf: (id: number) => number; columns: [string, ArrayLike<unknown>][] }[] = []
  private readonly mlapdv?: AttributeValue
  /** How each clusters.* attribute finds a cluster's row, for rowProblems(). */
  private readonly rows: { key: string; count: number; has: (id: number) => boolean }[] = []

  constructor(attrs: Map<string, AttributeValue>) {
    for (const [key, value] of attrs) {
      // A one-column text attribute (IBL's clusters.uuids.csv, header 'uuids') is a vector like an .npy.
      const vectorTable = value.kind === 'table' && value.table.columns.size === 1 && !value.table.columns.has('cluster_id')
      if (value.kind === 'table' && !vectorTable) {
        const idCol = value.table.columns.get('cluster_id')
        const count = value.table.columns.values().next().value?.length ?? 0
        let rowOf = (id: number) => (id < count ? id : -1)
        if (idCol) {
          const map = new Map<number, number>()
          for (let r = 0; r < idCol.length; r++) {
            const id = numberAt(idCol, r)
            if (id !== undefined && !map.has(id)) map.set(id, r)
          }
          rowOf = (id) => map.get(id) ?? -1
        }
        this.rows.push({ key, count, has: (id) => rowOf(id) >= 0 })
        this.tables.push({ rowOf, columns: [...value.table.columns.entries()].filter(([n]) => n !== 'cluster_id' && n !== '__index_level_0__') })
        continue
      }
      if (key === 'mlapdv') {
        this.mlapdv = value
        continue
      }
      const count = value.kind === 'table' ? value.table.numRows : value.shape.length ? value.shape[0] : value.data.length
      this.rows.push({ key, count, has: (id) => id < count })
      const vector = columnOf(value)
      if (!vector) continue
      this.vectors.push([RENAMES[key] ?? snake(key), vector])
    }
  }

  /**
   * The clusters.* attributes that have no row for some of `clusterIds` (ALF keeps one row per cluster, row = cluster
   * id, or a table's cluster_id column): each with its row count and the ids without a row.
   */
  rowProblems(clusterIds: readonly number[]): { key: string; rows: number; missing: number[] }[] {
    return this.rows.map(({ key, count, has }) => ({ key, rows: count, missing: clusterIds.filter((id) => !has(id)) })).filter((p) => p.missing.length > 0)
  }

  /** The cluster's attributes; `electrode` (peak channel) is an integer when present. */
  of(clusterId: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const table of this.tables) {
      const row = table.rowOf(clusterId)
      if (row < 0) continue
      for (const [name, col] of table.columns) {
        const v = cell(col, row)
        if (v !== undefined) out[name] = v
      }
    }
    for (const [name, col] of this.vectors) {
      const v = cell(col, clusterId)
      if (v === undefined) continue
      out[name] = INTEGER_KEYS.has(name) && typeof v === 'number' ? Math.trunc(v) : v
    }
    const m = this.mlapdv
    if (m && m.kind === 'array' && m.shape.length === 2 && m.shape[1] === 3 && clusterId < m.shape[0]) {
      const xyz = [0, 1, 2].map((j) => numberAt(m.data, clusterId * 3 + j))
      if (xyz.every((v) => v !== undefined)) out.mlapdv = xyz
    }
    return out
  }
}

import { InvalidArgumentError } from './errors.js'

/** What unitTable reads: a SpikeData satisfies it. */
export interface UnitTableSource {
  readonly N: number
  readonly lengthMs: number
  readonly offsets: ArrayLike<number>
  readonly neuronAttributes: readonly Record<string, unknown>[] | null
}

/** One unit as figures and tables show it. */
export interface UnitRow {
  /** Position in the SpikeData. */
  readonly index: number
  /** The unit's own id (unit_id, cluster_id or id attribute), else its index, as text. */
  readonly id: string
  readonly spikes: number
  /** Spikes over the recording length, in Hz. */
  readonly rateHz: number
  readonly electrode?: string | number
  /** Depth along the probe (µm): a `depth` attribute, else the second coordinate (y) of `location`, as Phy's channel_positions. */
  readonly depth?: number
  /** Curation label (label, group, KSLabel, quality). */
  readonly label?: string
}

/** The orders figures offer: by id, by depth along the probe, by electrode, by firing rate (highest first). */
export const UNIT_ORDERS = ['id', 'depth', 'electrode', 'rate'] as const
/** One of {@link UNIT_ORDERS}. */
export type UnitOrder = (typeof UNIT_ORDERS)[number]

/** One row per unit, from the trains and the usual SpikeLab attribute keys. */
export function unitTable(sd: UnitTableSource): UnitRow[] {
  const seconds = sd.lengthMs / 1000
  const rows: UnitRow[] = []
  for (let i = 0; i < sd.N; i++) {
    const a = sd.neuronAttributes?.[i] ?? {}
    const spikes = sd.offsets[i + 1] - sd.offsets[i]
    const id = first(a, ['unit_id', 'cluster_id', 'id'])
    const electrode = first(a, ['electrode', 'channel', 'ch', 'electrodes'])
    const label = first(a, ['label', 'group', 'KSLabel', 'quality'])
    rows.push({
      index: i,
      id: typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : String(i),
      spikes,
      rateHz: seconds > 0 ? spikes / seconds : 0,
      ...(typeof electrode === 'string' || typeof electrode === 'number' ? { electrode } : {}),
      ...(depthOf(a) !== undefined ? { depth: depthOf(a) } : {}),
      ...(typeof label === 'string' && label ? { label } : {}),
    })
  }
  return rows
}

/**
 * Unit indices in the given order. Units without the key (no depth, no electrode) go last, in id order;
 * ids compare as numbers when both are numeric. Ties keep the SpikeData's order.
 */
export function orderUnits(rows: readonly UnitRow[], by: UnitOrder): number[] {
  if (!(UNIT_ORDERS as readonly string[]).includes(by)) throw new InvalidArgumentError('order', by, `one of ${UNIT_ORDERS.join(', ')}`)
  const byId = (a: UnitRow, b: UnitRow) => compareIds(a.id, b.id) || a.index - b.index
  const key = (r: UnitRow): number | string | undefined => (by === 'depth' ? r.depth : by === 'electrode' ? r.electrode : by === 'rate' ? -r.rateHz : undefined)
  return [...rows]
    .sort((a, b) => {
      if (by === 'id') return byId(a, b)
      const ka = key(a)
      const kb = key(b)
      if (ka === undefined || kb === undefined) return ka === kb ? byId(a, b) : ka === undefined ? 1 : -1
      return compareIds(String(ka), String(kb)) || byId(a, b)
    })
    .map((r) => r.index)
}

function compareIds(a: string, b: string): number {
  const na = Number(a)
  const nb = Number(b)
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb
  return a < b ? -1 : a > b ? 1 : 0
}

function first(attributes: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (attributes[k] !== undefined && attributes[k] !== null) return attributes[k]
  return undefined
}

function depthOf(a: Record<string, unknown>): number | undefined {
  if (typeof a.depth === 'number' && Number.isFinite(a.depth)) return a.depth
  const location = a.location
  if (Array.isArray(location) || ArrayBuffer.isView(location)) {
    const values = Array.from(location as ArrayLike<unknown>)
    const y = values.length >= 2 ? values[1] : undefined
    if (typeof y === 'number' && Number.isFinite(y)) return y
  }
  return undefined
}

import type { AttributeValue } from './read-attribute.js'
import { columnOf } from './read-attribute.js'
import { numberAt } from './alf-objects.js'

export interface ChannelEntry {
  location?: string
  atlas_id?: number
  x?: number
  y?: number
  z?: number
  local_x?: number
  local_y?: number
  raw_index?: number
}

function firstOf(attrs: Map<string, AttributeValue>, names: string[]): AttributeValue | undefined {
  for (const n of names) {
    const v = attrs.get(n)
    if (v) return v
  }
  return undefined
}

function rows(value: AttributeValue | undefined): number {
  if (!value) return 0
  if (value.kind === 'table') return value.table.numRows
  return value.shape.length ? value.shape[0] : 1
}

function matrixAt(value: AttributeValue | undefined, i: number, j: number): number | undefined {
  if (!value || value.kind !== 'array' || value.shape.length !== 2 || j >= value.shape[1] || i >= value.shape[0]) return undefined
  return numberAt(value.data, i * value.shape[1] + j)
}

/**
 * The channels object as SpikeLab's `electrodes_by_channel` (the NWB loader's keys): `location` (Allen
 * acronym), `atlas_id`, `x`/`y`/`z` (the mlapdv columns as stored), `local_x`/`local_y`
 * (localCoordinates), `raw_index` (rawInd). Keys are channel indices; empty when nothing is there.
 */
export function electrodesByChannel(attrs: Map<string, AttributeValue>): Record<string, ChannelEntry> {
  const acronym = firstOf(attrs, ['acronym', 'brainLocationAcronyms_ccf_2017'])
  const atlasId = firstOf(attrs, ['atlas_id', 'brainLocationIds_ccf_2017'])
  const mlapdv = attrs.get('mlapdv')
  const local = attrs.get('localCoordinates')
  const rawInd = attrs.get('rawInd')
  const n = Math.max(rows(acronym), rows(atlasId), rows(rawInd), rows(mlapdv), rows(local))
  const acronymCol = acronym ? columnOf(acronym) : undefined
  const atlasCol = atlasId ? columnOf(atlasId) : undefined
  const rawCol = rawInd ? columnOf(rawInd) : undefined
  const out: Record<string, ChannelEntry> = {}
  for (let i = 0; i < n; i++) {
    const e: ChannelEntry = {}
    if (acronymCol && i < acronymCol.length && acronymCol[i] !== null && acronymCol[i] !== undefined) e.location = String(acronymCol[i])
    const id = numberAt(atlasCol, i)
    if (id !== undefined) e.atlas_id = Math.trunc(id)
    const x = matrixAt(mlapdv, i, 0)
    const y = matrixAt(mlapdv, i, 1)
    const z = matrixAt(mlapdv, i, 2)
    if (x !== undefined && y !== undefined && z !== undefined) Object.assign(e, { x, y, z })
    const lx = matrixAt(local, i, 0)
    const ly = matrixAt(local, i, 1)
    if (lx !== undefined && ly !== undefined) Object.assign(e, { local_x: lx, local_y: ly })
    const raw = numberAt(rawCol, i)
    if (raw !== undefined) e.raw_index = Math.trunc(raw)
    out[String(i)] = e
  }
  return out
}

/** [x, y] probe coordinates of a channel (localCoordinates), for a unit's `location`. */
export function channelLocation(attrs: Map<string, AttributeValue>, channel: number): [number, number] | undefined {
  const local = attrs.get('localCoordinates')
  const x = matrixAt(local, channel, 0)
  const y = matrixAt(local, channel, 1)
  return x !== undefined && y !== undefined ? [x, y] : undefined
}

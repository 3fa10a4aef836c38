import { h5, type H5NodeSpec } from './tree.js'
import { int64, scalarColumn, type Hdmf } from './hdmf.js'

export const ELECTRODES = '/general/extracellular_ephys/electrodes'
const STANDARD = new Set(['x', 'y', 'z', 'location', 'group_name', 'group', 'id'])

interface ElectrodeRow {
  id: number | string | undefined
  location: number[]
  label: string
  /** The ElectrodeGroup's name. */
  group: string
  /** The group_name column's text (usually the group's name). */
  groupName: string
  extra: Record<string, unknown>
}

/** What the electrodes part of the file holds: its groups under /general, and each unit's row. */
export interface ElectrodesPart {
  devices: string[]
  ecephys?: Record<string, H5NodeSpec>
  /** The row of each unit's electrode, or null when the unit names none. */
  unitRow: (number | null)[]
  /** The row of each raw-trace channel (electrode id = channel index). */
  channelRows: number[]
  rows: number
  /** The ElectrodeGroups written, by name: their paths in the file. */
  groupPaths: Map<string, string>
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

function coordinates(value: unknown): number[] {
  return Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<number>).map(Number).slice(0, 3) : []
}

/**
 * Rows of the table recorded by a loader: `electrodes_by_channel` ({ row: { x, y, z, location, group_name, ... } },
 * as the NWB and IBL loaders give it) with the ids of `electrode_ids` when present, else the row keys.
 */
function rowsFromMetadata(md: Record<string, unknown>, deviceName: string): ElectrodeRow[] {
  const table = md.electrodes_by_channel
  if (!table || typeof table !== 'object' || Array.isArray(table)) return []
  const keys = Object.keys(table).sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0))
  const ids = Array.isArray(md.electrode_ids) && md.electrode_ids.length === keys.length ? (md.electrode_ids as unknown[]) : undefined
  const rowGroups = Array.isArray(md.electrode_row_groups) && md.electrode_row_groups.length === keys.length ? (md.electrode_row_groups as unknown[]) : undefined
  const columns = md.electrode_columns && typeof md.electrode_columns === 'object' ? (md.electrode_columns as Record<string, unknown>) : {}
  return keys.map((key, i) => {
    const row = ((table as Record<string, unknown>)[key] ?? {}) as Record<string, unknown>
    const id = ids ? ids[i] : /^\d+$/.test(key) ? Number(key) : key
    const location = (['x', 'y', 'z'] as const).map((c) => (typeof row[c] === 'number' ? (row[c] as number) : NaN))
    while (location.length && Number.isNaN(location[location.length - 1])) location.pop()
    const extra = Object.fromEntries(Object.entries(row).filter(([k]) => !STANDARD.has(k)))
    for (const [name, values] of Object.entries(columns)) if (Array.isArray(values) && values.length === keys.length && !STANDARD.has(name)) extra[name] = values[i]
    const groupName = text(row.group_name) ?? deviceName
    const group = typeof rowGroups?.[i] === 'string' && rowGroups[i] ? (rowGroups[i] as string) : groupName
    return { id: typeof id === 'number' || typeof id === 'string' ? id : i, location, label: text(row.location) ?? '', group, groupName, extra }
  })
}

/** The electrodes table: the loader's rows, plus one row per distinct unit electrode (or location) not among them. */
export function buildElectrodes(attrs: readonly Record<string, unknown>[], md: Record<string, unknown>, deviceName: string, t: Hdmf, channels = 0): ElectrodesPart {
  const rows = rowsFromMetadata(md, deviceName)
  const rowOf = new Map<string, number>(rows.map((r, i) => [`e:${JSON.stringify(r.id)}`, i]))
  // A unit known only by its position goes on the first row at that position (a re-export must not add rows).
  rows.forEach((r, i) => {
    const key = `l:${JSON.stringify(r.location)}`
    if (r.location.length && !rowOf.has(key)) rowOf.set(key, i)
  })
  const unitRow = attrs.map((a) => {
    const electrode = typeof a.electrode === 'number' || typeof a.electrode === 'string' ? a.electrode : undefined
    const location = coordinates(a.location)
    if (electrode === undefined && location.length === 0) return null
    const key = electrode !== undefined ? `e:${JSON.stringify(electrode)}` : `l:${JSON.stringify(location)}`
    let row = rowOf.get(key)
    if (row === undefined) {
      row = rows.length
      rowOf.set(key, row)
      const group = text(a.group_name) ?? deviceName
      rows.push({ id: electrode, location, label: text(a.location_label) ?? '', group, groupName: group, extra: {} })
    }
    return row
  })
  const channelRows = Array.from({ length: channels }, (_, c) => {
    let row = rowOf.get(`e:${c}`)
    if (row === undefined) {
      row = rows.length
      rowOf.set(`e:${c}`, row)
      rows.push({ id: c, location: [], label: '', group: deviceName, groupName: deviceName, extra: {} })
    }
    return row
  })
  if (!rows.length) return { devices: [], unitRow, channelRows, rows: 0, groupPaths: new Map() }
  const known = groupInfo(md)
  const devices = new Set([...rows].map((r) => known[r.group]?.device ?? deviceName))
  const groupPaths = new Map([...new Set(rows.map((r) => r.group))].map((g) => [g, groupPath(g)]))
  return { devices: [...devices], ecephys: electrodeGroups(rows, deviceName, known, t), unitRow, channelRows, rows: rows.length, groupPaths }
}

type GroupInfo = Record<string, { description?: string; location?: string; device?: string }>

/** The loader's `electrode_groups` ({ name: { description, location, device } }), names and devices made path-safe. */
function groupInfo(md: Record<string, unknown>): GroupInfo {
  const given = md.electrode_groups
  if (!given || typeof given !== 'object' || Array.isArray(given)) return {}
  const out: GroupInfo = {}
  for (const [name, g] of Object.entries(given as Record<string, Record<string, unknown>>)) {
    if (!g || typeof g !== 'object') continue
    out[name] = { description: text(g.description), location: text(g.location), device: text(g.device)?.replace(/\//g, '_') }
  }
  return out
}

const safe = (g: string) => g.replace(/\//g, '_')
const groupPath = (g: string) => `/general/extracellular_ephys/${safe(g)}`

function electrodeGroups(rows: ElectrodeRow[], deviceName: string, known: GroupInfo, t: Hdmf): Record<string, H5NodeSpec> {
  const ecephys: Record<string, H5NodeSpec> = {}
  for (const group of new Set(rows.map((r) => r.group))) {
    const info = known[group] ?? {}
    const link = h5.link(`/general/devices/${info.device ?? deviceName}`)
    ecephys[safe(group)] = h5.group({ device: link }, t.typed('core', 'ElectrodeGroup', { description: info.description ?? 'electrode group', location: info.location ?? 'unknown' }))
  }
  const ids = rows.map((r) => r.id)
  const idsAreInts = ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id)) && new Set(ids).size === ids.length
  const dims = Math.max(0, ...rows.map((r) => r.location.length))
  const table: Record<string, H5NodeSpec> = { id: h5.dataset(int64(rows.map((r, i) => (idsAreInts ? (r.id as number) : i))), { attrs: t.elementIds() }) }
  const colnames: string[] = []
  ;(['x', 'y', 'z'] as const).slice(0, dims).forEach((c, d) => {
    table[c] = h5.dataset(Float64Array.from(rows, (r) => (d < r.location.length ? r.location[d] : NaN)), { attrs: t.vectorData(`the ${c} coordinate of the channel location`) })
    colnames.push(c)
  })
  table.location = h5.dataset(rows.map((r) => r.label), { attrs: t.vectorData('the location of channel within the subject e.g. brain region') })
  table.group = h5.dataset(rows.map((r) => h5.ref(groupPath(r.group))), { attrs: t.vectorData('a reference to the ElectrodeGroup this electrode is a part of') })
  table.group_name = h5.dataset(rows.map((r) => r.groupName), { attrs: t.vectorData('the name of the ElectrodeGroup this electrode is a part of') })
  colnames.push('location', 'group', 'group_name')
  if (!idsAreInts && ids.some((id) => id !== undefined)) {
    table.electrode_id = h5.dataset(ids.map((id) => (id === undefined ? '' : String(id))), { attrs: t.vectorData('electrode ids that are not distinct integers (NWB ids must be)') })
    colnames.push('electrode_id')
  }
  const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))].filter((k) => k && !k.includes('/') && !k.endsWith('_index') && k !== '.' && k !== '..')
  for (const key of extraKeys) {
    const column = scalarColumn(rows.map((r) => r.extra[key]), t.vectorData(key))
    if (!column) continue
    table[key] = column
    colnames.push(key)
  }
  ecephys.electrodes = h5.group(table, t.typed('hdmf-common', 'DynamicTable', { description: 'metadata about extracellular electrodes', colnames }))
  return ecephys
}

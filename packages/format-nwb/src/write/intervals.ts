import { h5, type H5GroupSpec, type H5NodeSpec } from './tree.js'
import { int64, raggedColumn, scalarColumn, type Hdmf } from './hdmf.js'

/** One TimeIntervals table as loaders record it in `metadata.intervals`: times in seconds, one value per row per column. */
export interface IntervalTable {
  description?: string
  columns: Record<string, unknown[]>
}

/** IBL/ALF trial keys (SpikeLab's names, times in ms) and the Trials column each becomes (times in seconds). */
const IBL_TRIAL_TIMES: Record<string, string> = {
  trial_start_times: 'start_time',
  trial_end_times: 'stop_time',
  stim_on_times: 'stim_on_time',
  stim_off_times: 'stim_off_time',
  go_cue_times: 'go_cue_time',
  response_times: 'response_time',
  feedback_times: 'feedback_time',
  first_movement_times: 'first_movement_time',
}
const IBL_TRIAL_VALUES = ['choice', 'feedback_type', 'contrast_left', 'contrast_right', 'probability_left']

function list(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>)
  return undefined
}

/** The interval tables of the metadata (`intervals`, and IBL's trial keys) and the metadata keys they use. */
export function intervalTables(md: Record<string, unknown>): { tables: Record<string, IntervalTable>; consumed: string[] } {
  const tables: Record<string, IntervalTable> = {}
  const consumed: string[] = []
  const given = md.intervals
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const [name, table] of Object.entries(given as Record<string, IntervalTable>)) {
      if (table && typeof table === 'object' && table.columns && typeof table.columns === 'object') tables[name] = table
    }
    consumed.push('intervals')
  }
  const starts = list(md.trial_start_times)
  const ends = list(md.trial_end_times)
  if (!tables.trials && starts && ends && starts.length === ends.length) {
    const columns: Record<string, unknown[]> = {}
    for (const [key, column] of Object.entries(IBL_TRIAL_TIMES)) {
      const values = list(md[key])
      if (values?.length !== starts.length) continue
      columns[column] = values.map((v) => (typeof v === 'number' ? v / 1e3 : v))
      consumed.push(key)
    }
    for (const key of IBL_TRIAL_VALUES) {
      const values = list(md[key])
      if (values?.length !== starts.length) continue
      columns[key] = values
      consumed.push(key)
    }
    if (typeof md.n_trials === 'number') consumed.push('n_trials')
    tables.trials = { description: 'trials (IBL/ALF trials object)', columns }
  }
  return { tables, consumed }
}

/** /intervals with one TimeIntervals group per table that has start_time and stop_time; names the columns left out. */
export function intervalsGroup(tables: Record<string, IntervalTable>, t: Hdmf): { group?: H5GroupSpec; dropped: string[] } {
  const children: Record<string, H5NodeSpec> = {}
  const dropped: string[] = []
  for (const [name, table] of Object.entries(tables)) {
    const start = list(table.columns.start_time)
    const stop = list(table.columns.stop_time)
    if (!start || !stop || start.length !== stop.length || name.includes('/') || name === '.' || name === '..') {
      dropped.push(`intervals.${name}`)
      continue
    }
    const n = start.length
    const nodes: Record<string, H5NodeSpec> = { id: h5.dataset(int64(Array.from({ length: n }, (_, i) => i)), { attrs: t.elementIds() }) }
    const colnames: string[] = []
    for (const [column, raw] of Object.entries(table.columns)) {
      const values = list(raw)
      const usable = values?.length === n && !column.includes('/') && column !== 'id' && !column.endsWith('_index')
      const description = column === 'start_time' ? 'Start time of epoch, in seconds.' : column === 'stop_time' ? 'Stop time of epoch, in seconds.' : column
      const spec = usable ? scalarColumn(values, t.vectorData(description)) : undefined
      // Lists per row (tags) become a ragged column with its VectorIndex.
      const ragged = usable && !spec && column !== 'start_time' && column !== 'stop_time' ? raggedColumn(column, `/intervals/${name}`, values, description, t) : undefined
      if (!spec && !ragged) {
        dropped.push(`intervals.${name}.${column}`)
        continue
      }
      if (ragged) Object.assign(nodes, ragged)
      else nodes[column] = column === 'start_time' || column === 'stop_time' ? h5.dataset(Float64Array.from(values!, Number), { attrs: spec!.attrs }) : spec!
      colnames.push(column)
    }
    children[name] = h5.group(nodes, t.typed('core', 'TimeIntervals', { description: table.description || name, colnames }))
  }
  return { group: Object.keys(children).length ? h5.group(children) : undefined, dropped }
}

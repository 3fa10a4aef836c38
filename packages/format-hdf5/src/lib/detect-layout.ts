import type { TimeUnit } from '@spikes/core/loader-utils'
import type { Hdf5Dataset, Hdf5File } from '@spikes/hdf5'
import type { Layout } from '../options.js'
import { ambiguousLayoutError, noLayoutError } from './layout-selection-error.js'

/** A layout found by inspecting the file, with the options it stands for. */
export interface LayoutCandidate {
  layout: Layout
  /** The options that select it explicitly. */
  options: Record<string, string | number>
  /** Datasets/groups involved, for messages. */
  paths: string[]
  reason: string
  /** Unit read from a 'unit'/'units' attribute, when present. */
  unit?: TimeUnit
  /** Bin width read from an attribute (rasters). */
  binMs?: number
}

const MAX_OBJECTS = 20000
const TIMES_NAME = /^(spike_?times|times|st|timestamps|spike_?timestamps)$/i
const IDS_NAME = /^(idces|idx|indices|ids|unit_?ids|units|unit_?index|unit_?indices|clusters|spike_?clusters|cluster_?ids|neuron_?ids|spike_?units|spike_?idces)$/i
const PAIRED_TIMES_NAME = /^(times|spike_?times|timestamps|spike_?timestamps|t)$/i
const RASTER_NAME = /(raster|counts|binned|spike_?matrix)/i
const GROUP_NAME = /^(units|spikes|spike_?times|spiketimes|trains|spike_?trains|neurons|cells|clusters)$/i
const BIN_ATTRS = ['raster_bin_size_ms', 'bin_size_ms', 'bin_ms', 'binSizeMs', 'bin_width_ms']

interface Node {
  path: string
  name: string
  parent: string
  ds?: Hdf5Dataset
}

/**
 * Looks for the four SpikeLab layouts when no layout option is given. Conventional names decide first;
 * without them, structure (one 2-D integer matrix, one group of 1-D datasets). Exactly one candidate is
 * used; none or several throw SelectionRequiredError listing them (or the datasets in the file).
 */
export function detectLayout(file: Hdf5File, exclude: Set<string>): LayoutCandidate {
  const entries = file.walk().slice(0, MAX_OBJECTS)
  const datasets: Node[] = []
  const groups = new Map<string, Node[]>()
  groups.set('/', [])
  for (const e of entries) {
    if (e.kind === 'group') groups.set(e.path, [])
  }
  const allDatasets: string[] = []
  for (const e of entries) {
    if (e.kind !== 'dataset') continue
    allDatasets.push(e.path)
    if (exclude.has(e.path)) continue
    const i = e.path.lastIndexOf('/')
    const parent = i <= 0 ? '/' : e.path.slice(0, i)
    let ds: Hdf5Dataset | undefined
    try {
      ds = file.dataset(e.path)
    } catch {
      ds = undefined
    }
    const node = { path: e.path, name: e.path.slice(i + 1), parent, ds }
    datasets.push(node)
    groups.get(parent)?.push(node)
  }
  const isVector = (n: Node) => !!n.ds && n.ds.isNumeric() && (n.ds.shape?.length === 1 || (n.ds.shape?.length === 2 && (n.ds.shape[0] === 1 || n.ds.shape[1] === 1)))
  const vectorLength = (n: Node) => (n.ds!.shape ?? [0]).reduce((a, b) => a * b, 1)
  const isMatrix = (n: Node) => !!n.ds && n.ds.isNumeric() && n.ds.shape?.length === 2

  const named: LayoutCandidate[] = []
  const structural: LayoutCandidate[] = []

  for (const [group, members] of groups) {
    const byName = new Map(members.map((m) => [m.name, m]))
    // Ragged: X + X_index (st + sti).
    for (const m of members) {
      if (!TIMES_NAME.test(m.name) || !isVector(m)) continue
      const index = byName.get(`${m.name}_index`) ?? byName.get(`${m.name}i`)
      if (index && isVector(index) && index.ds!.isInteger()) {
        named.push({
          layout: 'ragged',
          options: { spikeTimesDataset: m.path, spikeTimesIndexDataset: index.path },
          paths: [m.path, index.path],
          reason: `${m.path} with its index ${index.path}`,
          unit: unitAttr(m.ds!),
        })
      }
    }
    // Paired: ids + times of equal length.
    const ids = members.filter((m) => IDS_NAME.test(m.name) && isVector(m))
    const times = members.filter((m) => PAIRED_TIMES_NAME.test(m.name) && isVector(m) && !byName.has(`${m.name}_index`))
    for (const i of ids) {
      for (const t of times) {
        if (i === t || vectorLength(i) !== vectorLength(t)) continue
        named.push({
          layout: 'paired',
          options: { idcesDataset: i.path, timesDataset: t.path },
          paths: [i.path, t.path],
          reason: `unit indices ${i.path} paired with spike times ${t.path} (${vectorLength(i)} spikes)`,
          unit: unitAttr(t.ds!),
        })
      }
    }
    // Group per unit: every member a 1-D numeric dataset, no subgroups.
    if (group !== '/' && members.length > 0 && members.every(isVector) && ![...groups.keys()].some((g) => g.startsWith(group + '/'))) {
      const name = group.slice(group.lastIndexOf('/') + 1)
      const candidate: LayoutCandidate = {
        layout: 'group',
        options: { groupPerUnit: group },
        paths: [group],
        reason: `group ${group} holds ${members.length} 1-D dataset(s), one per unit`,
        unit: unitAttr(members[0].ds!),
      }
      ;(GROUP_NAME.test(name) ? named : structural).push(candidate)
    }
  }
  for (const m of datasets) {
    if (!isMatrix(m)) continue
    const candidate: LayoutCandidate = {
      layout: 'raster',
      options: { rasterDataset: m.path },
      paths: [m.path],
      reason: `2-D ${m.ds!.dtype.numpy} matrix ${m.path} (${m.ds!.shape!.join(' x ')}) read as units x bins`,
      binMs: binAttr(file, m.ds!),
    }
    if (RASTER_NAME.test(m.name)) named.push(candidate)
    else if (m.ds!.isInteger()) structural.push(candidate)
  }

  if (named.length === 1) return { ...named[0], reason: `${named[0].reason} (conventional names)` }
  const pool = named.length > 1 ? named : structural
  if (named.length === 0 && structural.length === 1) return { ...structural[0], reason: `${structural[0].reason} (the only layout found)` }
  if (pool.length > 0) throw ambiguousLayoutError(file.name, pool)
  throw noLayoutError(file.name, allDatasets.slice(0, 50), datasets.filter(isMatrix).map((m) => m.path))
}

function unitAttr(ds: Hdf5Dataset): TimeUnit | undefined {
  let attrs: Record<string, unknown>
  try {
    attrs = ds.attrs
  } catch {
    return undefined
  }
  const v = attrs.unit ?? attrs.units
  if (typeof v !== 'string') return undefined
  const s = v.trim().toLowerCase()
  if (['s', 'sec', 'second', 'seconds'].includes(s)) return 's'
  if (['ms', 'msec', 'millisecond', 'milliseconds'].includes(s)) return 'ms'
  if (['samples', 'sample', 'frames'].includes(s)) return 'samples'
  return undefined
}

function binAttr(file: Hdf5File, ds: Hdf5Dataset): number | undefined {
  for (const attrs of [safeAttrs(() => ds.attrs), safeAttrs(() => file.attrs('/'))]) {
    for (const name of BIN_ATTRS) {
      const v = attrs[name]
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v
    }
  }
  return undefined
}

function safeAttrs(get: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return get()
  } catch {
    return {}
  }
}

import { InvalidDataError, InvalidSourceError, MissingEntryError, SpikeData, type ByteSource, type LoadContext, type RemoteSource } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { field, matNumbers, readMat, type MatStruct, type MatValue } from '@spikes/matlab'
import { CELLEXPLORER_VARIABLES } from '../cellexplorer-loader.js'
import type { ResolvedCellexplorerOptions } from '../options.js'
import { LABEL_STRUCTS, labelsPerUnit } from './labels.js'
import { peakChannelLocations } from './location.js'
import { perUnit, toPlain } from './plain.js'

/** CellExplorer field → SpikeLab-style attribute name (the original field is kept too). */
const RENAMED: Record<string, string> = {
  UID: 'unit_id',
  cluID: 'cluster_id',
  brainRegion: 'brain_region',
  electrodeGroup: 'electrode_group',
  putativeCellType: 'putative_cell_type',
  maxWaveformCh: 'electrode',
}
/** Fields that describe the file, not the units: kept in metadata. */
const FILE_FIELDS = new Set(['general', 'sessionName', 'sr', 'basename', 'numcells', 'processinginfo'])

/** One unit per element of `<variable>.times` (seconds → ms), the per-unit fields as attributes. */
export async function loadCellexplorer(source: ByteSource | RemoteSource, options: ResolvedCellexplorerOptions, context: LoadContext): Promise<SpikeData> {
  if (source.type !== 'file') throw new InvalidSourceError(`The cellexplorer loader reads a file, but '${source.name}' is a ${source.type}.`, { formatId: 'cellexplorer', expected: 'file', got: source.type })
  const wanted = options.variable ? [options.variable] : [...CELLEXPLORER_VARIABLES]
  context.progress({ phase: 'read', loaded: 0, unit: 'bytes' })
  const mat = await readMat(source, { maxBytes: options.maxBytes, variables: wanted, signal: context.signal })
  const name = wanted.find((n) => mat.variables.has(n))
  const root = name === undefined ? undefined : mat.variables.get(name)
  if (name === undefined || root?.kind !== 'struct' || root.elements.length !== 1) {
    const found = name === undefined ? (mat.names.length ? '' : 'The file holds no variables. ') : `'${name}' is a ${root?.kind} of ${root && 'dims' in root ? root.dims.join('×') : '?'}. `
    throw new MissingEntryError(wanted.join(' or '), source.name, mat.names, `${found}A CellExplorer file holds its spike times in a scalar struct (cell_metrics or spikes); pass variable to name the one this file uses.`)
  }
  const { times, offsets, units } = spikeTimes(root, name, source.name)
  const attributes = unitAttributes(root, name === 'cell_metrics' ? ['spikes'] : ['times', 'ts', 'amplitudes'], units)
  addLabels(root, name, attributes, context)
  peakChannelLocations(root, units)?.forEach((xy, i) => {
    if (xy && attributes[i].location === undefined) attributes[i].location = xy
  })
  let last = -Infinity
  for (let i = 0; i < times.length; i++) if (times[i] > last) last = times[i]
  const metadata: Record<string, unknown> = {
    source_file: source.path ?? source.url ?? source.name,
    format: 'CellExplorer',
    mat_version: mat.version === 5 ? 'Level 5' : '7.3',
    mat_description: mat.description,
    variable: name,
    unit_count: units,
  }
  for (const f of root.fields) {
    if (!FILE_FIELDS.has(f)) continue
    const plain = toPlain(root.elements[0][f])
    if (plain !== undefined) metadata[f === 'sessionName' ? 'session_name' : f] = plain
  }
  const sr = toPlain(field(root, 'sr')) ?? toPlain(field(field(root, 'general'), 'sr'))
  if (typeof sr === 'number') metadata.fs_Hz = sr
  if (metadata.session_name === undefined) {
    const basename = toPlain(field(field(root, 'general'), 'basename')) ?? toPlain(field(root, 'basename'))
    if (typeof basename === 'string') metadata.session_name = basename
  }
  return new SpikeData({ times, offsets, lengthMs: times.length ? last + spacing(last) : 0, startTimeMs: 0, metadata, neuronAttributes: attributes })
}

function spikeTimes(root: MatStruct, name: string, file: string): { times: Float64Array; offsets: Float64Array; units: number } {
  const holder = name === 'cell_metrics' ? field(root, 'spikes') : root
  const cell = field(holder, 'times')
  const path = name === 'cell_metrics' ? `${name}.spikes.times` : `${name}.times`
  if (cell?.kind !== 'cell') {
    const hint = name === 'cell_metrics' ? 'This cell_metrics file has no spikes.times; load the *.spikes.cellinfo.mat beside it.' : 'The spikes struct holds its spike times (seconds) in a cell array named times.'
    throw new MissingEntryError(path, file, holder?.kind === 'struct' ? holder.fields : [], hint)
  }
  const trains = cell.cells.map((c, i) => trainOf(c, i, path, file))
  const offsets = new Float64Array(trains.length + 1)
  trains.forEach((t, i) => (offsets[i + 1] = offsets[i] + t.length))
  const times = new Float64Array(offsets[trains.length])
  trains.forEach((t, i) => {
    const at = offsets[i]
    for (let k = 0; k < t.length; k++) times[at + k] = t[k] * 1e3
  })
  return { times, offsets, units: trains.length }
}

function trainOf(value: MatValue, unit: number, path: string, file: string): ArrayLike<number> {
  const numbers = matNumbers(value)
  if (!numbers) throw new InvalidDataError(`${file}: ${path}{${unit + 1}} is a ${value.kind}, not a numeric vector of spike times in seconds.`, { file, unit, kind: value.kind })
  return numbers
}

/** tags, groups, groundTruthClassification: each unit gets the list of labels that name its index. */
function addLabels(root: MatStruct, variable: string, attributes: Record<string, unknown>[], context: LoadContext): void {
  for (const f of LABEL_STRUCTS) {
    const found = labelsPerUnit(field(root, f), attributes.length)
    if (!found) continue
    found.labels.forEach((labels, i) => (attributes[i][f] = labels))
    if (found.ignored.length) {
      context.warn('SPIKES_WARN_CELLEXPLORER_LABELS', `${variable}.${f}: ${found.ignored.join(', ')} hold something other than cell indices 1..${attributes.length}; those entries are ignored.`, { field: f, labels: found.ignored })
    }
  }
}

function unitAttributes(root: MatStruct, skip: string[], units: number): Record<string, unknown>[] {
  const attrs: Record<string, unknown>[] = Array.from({ length: units }, (_, i) => ({ unit_id: i }))
  for (const f of root.fields) {
    if (skip.includes(f) || FILE_FIELDS.has(f)) continue
    const values = perUnit(root.elements[0][f], units)
    if (!values) continue
    values.forEach((v, i) => {
      attrs[i][f] = v
      if (RENAMED[f]) attrs[i][RENAMED[f]] = v
    })
  }
  return attrs
}

import { isSpikesError, readText, type FolderSource, type LoadContext } from '@spikes/core'
import { parseDelimitedRecords } from '@spikes/core/delimited'
import { naturalSort } from '@spikes/core/loader-utils'
import { DEFAULT_GEOM_FILE } from '../options.js'

const MAX_SIDECAR_BYTES = 16 * 1024 * 1024
/** geom.csv separates coordinates with commas, or (hand-written files) spaces or tabs; runs of them count once. */
const GEOM_SEPARATORS = [',', ' ', '\t']

/** What the small files beside firings.mda say (each optional). */
export interface Sidecars {
  /** params.json as parsed (MountainSort's own parameters: samplerate, detect_sign, ...). */
  params?: Record<string, unknown>
  /** The MountainView file used, and what it says. */
  mv?: MountainView
  /** geom.csv: one row of coordinates per channel (channel c is row c - 1). */
  geom?: number[][]
}

/** The parts of a MountainView .mv / .mv2 session file that describe the sorting. */
export interface MountainView {
  file: string
  samplerate?: number
  /** Per-cluster tags ('accepted', 'rejected', 'noise', 'mua', ...), by label. */
  tags: Map<number, string[]>
  /** Cluster pairs tagged 'merged' (not applied: the firings stay as sorted). */
  mergedPairs: [number, number][]
  eventFilter?: unknown
}

export async function readSidecars(folder: FolderSource, geomFile: string, context: LoadContext): Promise<Sidecars> {
  const out: Sidecars = {}
  const params = await readJson(folder, 'params.json', context)
  if (params !== undefined) out.params = params
  const listing = await folder.list('')
  const mvFiles = naturalSort(listing.filter((e) => e.kind === 'file' && /\.mv2?$/i.test(e.name)).map((e) => e.name))
  if (mvFiles.length > 1) {
    context.warn('SPIKES_WARN_SEVERAL_MV_FILES', `The folder holds ${mvFiles.length} MountainView files (${mvFiles.join(', ')}); ${mvFiles[0]} is used for tags and the sampling rate.`, { files: mvFiles, used: mvFiles[0] })
  }
  if (mvFiles.length > 0) {
    const json = await readJson(folder, mvFiles[0], context)
    if (json !== undefined) out.mv = mountainView(mvFiles[0], json)
  }
  if (await folder.exists(geomFile)) {
    const text = await readSidecarText(folder, geomFile, context)
    if (text !== undefined) out.geom = parseGeom(text, geomFile, context)
  } else if (geomFile !== DEFAULT_GEOM_FILE) {
    const where = folder.path ?? folder.name
    context.warn('SPIKES_WARN_SIDECAR', `geomFile names ${geomFile}, which is not in ${where}: the units get no location. Check the name, or leave geomFile out to use ${DEFAULT_GEOM_FILE}.`, { file: geomFile, option: 'geomFile' })
  }
  return out
}

async function readSidecarText(folder: FolderSource, file: string, context: LoadContext): Promise<string | undefined> {
  try {
    const source = await folder.open(file)
    try {
      return await readText(source, MAX_SIDECAR_BYTES)
    } finally {
      await source.close()
    }
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_SIDECAR', `${file} could not be read (${error.message}); it is ignored.`, { file, code: error.code })
    return undefined
  }
}

async function readJson(folder: FolderSource, file: string, context: LoadContext): Promise<Record<string, unknown> | undefined> {
  if (!(await folder.exists(file))) return undefined
  const text = await readSidecarText(folder, file, context)
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  context.warn('SPIKES_WARN_SIDECAR', `${file} is not a JSON object; it is ignored.`, { file })
  return undefined
}

function mountainView(file: string, json: Record<string, unknown>): MountainView {
  const tags = new Map<number, string[]>()
  const attributes = json.cluster_attributes
  if (attributes && typeof attributes === 'object') {
    for (const [key, value] of Object.entries(attributes as Record<string, unknown>)) {
      const label = Number(key)
      const list = (value as { tags?: unknown } | null)?.tags
      if (Number.isSafeInteger(label) && Array.isArray(list)) tags.set(label, list.filter((t): t is string => typeof t === 'string'))
    }
  }
  const mergedPairs: [number, number][] = []
  const pairs = json.cluster_pair_attributes
  if (pairs && typeof pairs === 'object') {
    for (const [key, value] of Object.entries(pairs as Record<string, unknown>)) {
      const match = /^pair_(\d+)_(\d+)$/.exec(key)
      const list = (value as { tags?: unknown } | null)?.tags
      if (match && Array.isArray(list) && list.includes('merged')) mergedPairs.push([Number(match[1]), Number(match[2])])
    }
  }
  mergedPairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const rate = json.samplerate
  const samplerate = typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? rate : undefined
  return { file, samplerate, tags, mergedPairs, eventFilter: json.event_filter }
}

/** geom.csv: one channel per line, 1 to 3 comma- or space-separated numbers. A bad line drops the whole table. */
function parseGeom(text: string, file: string, context: LoadContext): number[][] | undefined {
  const rows: number[][] = []
  for (const { cells, line } of parseDelimitedRecords(text, { delimiter: GEOM_SEPARATORS, quote: false, name: file })) {
    const numbers = cells.filter((cell) => cell !== '')
    if (numbers.length === 0) continue
    const values = numbers.map(Number)
    if (values.length > 3 || values.some((v) => !Number.isFinite(v))) {
      context.warn('SPIKES_WARN_SIDECAR', `${file} line ${line} is not 1 to 3 numbers (${JSON.stringify(numbers.join(',').slice(0, 80))}); electrode locations are left out.`, { file, line })
      return undefined
    }
    rows.push(values)
  }
  return rows
}

/** params.json's samplerate (MountainSort's key), when it is a positive number. */
export function paramsRate(params: Record<string, unknown> | undefined): number | undefined {
  const rate = params?.samplerate
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? rate : undefined
}

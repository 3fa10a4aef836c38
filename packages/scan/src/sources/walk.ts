import { LoaderRegistry, probeSource, resolveSource, type DependencyContainer, type FolderEntry, type Source } from '@spikes/core'
import { urlScheme } from '@spikes/core/loader-utils'
import type { ScanItem } from '../items.js'

/** A file or folder the walk passed over: nothing registered could read it. */
export interface Skipped {
  readonly source: string
  readonly reason: string
}

export interface WalkContext {
  readonly container: DependencyContainer
  readonly fetch?: typeof fetch
  readonly signal?: AbortSignal
  readonly items: ScanItem[]
  readonly skipped: Skipped[]
}

/** A folder whose best folder loader is at least this sure is one recording (content-checked detections answer 60-100). */
export const FOLDER_RECORDING_CONFIDENCE = 40
const MAX_DEPTH = 32
const PROBE_CONCURRENCY = 8

/**
 * Walks a folder (a local path, or an http(s)/s3 URL ending in '/'), asking the registered loaders about each
 * folder and file once: a folder a folder loader recognises (KiloSort, ALF, SpikeInterface...) is one recording
 * and is not entered; a file a file loader recognises is one recording; other files are skipped and counted.
 */
export async function walkFolder(location: string, ctx: WalkContext, depth = 0): Promise<void> {
  const registry = ctx.container.resolve(LoaderRegistry)
  const folder = await resolveSource(location, ctx.container, ctx.fetch, ctx.signal)
  try {
    if (folder.type !== 'folder') return void ctx.items.push({ source: location })
    const probe = await probeSource(folder)
    const [best] = await registry.rank(probe)
    const entries = await folder.list('')
    if (best && best.match.confidence >= FOLDER_RECORDING_CONFIDENCE) {
      ctx.items.push({ source: location, size: sizeOf(entries) })
      return
    }
    if (depth >= MAX_DEPTH) return void ctx.skipped.push({ source: location, reason: `deeper than ${MAX_DEPTH} folders` })
    const files = entries.filter((e) => e.kind === 'file' && !e.name.startsWith('.'))
    for (let i = 0; i < files.length; i += PROBE_CONCURRENCY) {
      await Promise.all(files.slice(i, i + PROBE_CONCURRENCY).map((e) => probeFile(childLocation(location, e.name, false), e, ctx, registry)))
    }
    for (const e of entries.filter((e) => e.kind === 'folder' && !e.name.startsWith('.'))) await walkFolder(childLocation(location, e.name, true), ctx, depth + 1)
  } finally {
    if (folder.type !== 'remote') await folder.close().catch(() => {})
  }
}

async function probeFile(location: string, entry: FolderEntry, ctx: WalkContext, registry: LoaderRegistry): Promise<void> {
  let source: Source | undefined
  try {
    source = await resolveSource(location, ctx.container, ctx.fetch, ctx.signal)
    const ranking = await registry.rank(await probeSource(source))
    if (ranking[0] && ranking[0].match.confidence > 0) ctx.items.push({ source: location, size: entry.size })
    else ctx.skipped.push({ source: location, reason: 'no installed loader recognises it' })
  } catch (error) {
    ctx.skipped.push({ source: location, reason: `could not be probed: ${(error as Error)?.message ?? error}` })
  } finally {
    if (source && source.type !== 'remote') await source.close().catch(() => {})
  }
}

/** The location of an entry of a folder: a path joined with '/', or a URL with the name escaped (folders end in '/'). */
export function childLocation(parent: string, name: string, folder: boolean): string {
  if (urlScheme(parent) !== undefined) return `${parent.endsWith('/') ? parent : parent + '/'}${encodeURIComponent(name)}${folder ? '/' : ''}`
  return `${parent.replace(/[\\/]+$/, '')}/${name}`
}

function sizeOf(entries: readonly FolderEntry[]): number | undefined {
  let total = 0
  for (const e of entries) {
    if (e.kind !== 'file') continue
    if (typeof e.size !== 'number') return undefined
    total += e.size
  }
  return total
}

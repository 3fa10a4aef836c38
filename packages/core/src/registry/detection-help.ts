import { UnknownFormatError } from '../errors.js'
import type { Hint } from '../hints.js'
import type { FolderSource } from '../sources/source.js'
import type { FileProbe, FolderProbe, Probe, SpikeLoader } from './loader.js'
import { describeProbe, probeSource } from './probe.js'
import { unsupportedFormat } from './unsupported-formats.js'

/** What detection help needs of the registry: the loaders and a ranking of one probe. */
export interface Ranker {
  /** The registered loaders. */
  list(): readonly SpikeLoader[]
  /** Every loader's answer for one probe, best first. */
  rank(probe: Probe): Promise<readonly { loader: SpikeLoader; match: { confidence: number; reason: string } }[]>
}

/** A recording found one level inside a folder nothing recognised. */
export interface FoundInside {
  /** Path or URL of the recording: the folder's own path (or URL) joined with its name. */
  readonly input: string
  readonly format: string
}

// Looking inside costs one listing per subfolder and 64 KiB per file (requests, for a remote folder).
const MAX_LOOKED_AT = 24
const MAX_NAMED = 10

/**
 * The UnknownFormatError for a probe no loader recognised, saying what can be said: a folder with one
 * recording inside points to it, one with several lists them; a file of a known but unsupported format
 * is named with what to do; a file with a loader's extension but not its content says whose.
 */
export async function unknownFormatError(probe: Probe, registry: Ranker): Promise<UnknownFormatError> {
  const tried = registry.list().map((l) => l.id)
  try {
    if (probe.kind === 'folder') return folderError(probe, tried, await recordingsInside(probe.source, registry))
    if (probe.kind === 'file') return fileError(probe, registry.list(), tried) ?? new UnknownFormatError(describeProbe(probe), tried)
  } catch {
    // The help is a courtesy: a listing that fails leaves the plain error.
  }
  return new UnknownFormatError(describeProbe(probe), tried)
}

function folderError(probe: FolderProbe, tried: string[], found: FoundInside[]): UnknownFormatError {
  const summary = describeProbe(probe)
  if (found.length === 1) {
    const [only] = found
    const hints: Hint[] = [{ kind: 'input', input: only.input, why: `instead: it is the one recording directly in this folder (${only.format})` }]
    // Only one level was looked at: subfolders that are not recordings may hold some deeper down.
    if (probe.folders.some((name) => !isFoundAs(only, name))) hints.push(scanHint(probe))
    return new UnknownFormatError(`${summary}: it holds a recording but is not one itself`, tried, { hints, details: { found }, listTried: false })
  }
  if (found.length > 1) {
    const named = found.slice(0, MAX_NAMED).map((f) => `${f.input} (${f.format})`)
    const more = found.length > MAX_NAMED ? `, and ${found.length - MAX_NAMED} more` : ''
    const hints: Hint[] = [{ kind: 'text', text: 'Load one of them by its path.' }, scanHint(probe)]
    return new UnknownFormatError(`${summary}: it holds ${found.length} recordings, not one: ${named.join(', ')}${more}`, tried, { hints, details: { found }, listTried: false })
  }
  return new UnknownFormatError(summary, tried)
}

function scanHint(probe: FolderProbe): Hint {
  return { kind: 'command', command: 'scan', args: [folderInput(probe.source)], why: 'to list every recording under this folder', text: '' }
}

function isFoundAs(found: FoundInside, folderName: string): boolean {
  const path = found.input.replace(/[\\/]+$/, '')
  return [folderName, encodeURIComponent(folderName)].some((name) => path === name || path.endsWith(`/${name}`) || path.endsWith(`\\${name}`))
}

function fileError(probe: FileProbe, loaders: readonly SpikeLoader[], tried: string[]): UnknownFormatError | undefined {
  const owners = loaders.filter((l) => l.input === 'file' && l.extensions.includes(probe.extension))
  const summary = describeProbe(probe)
  if (owners.length) {
    const names = owners.map((l) => `${l.name} (${l.id})`).join(', ')
    const text = `Its extension .${probe.extension} is that of ${names}, but its content is not a layout ${owners.length === 1 ? 'that loader reads' : 'those loaders read'}; check the file, or pass the format to see why it is refused.`
    return new UnknownFormatError(summary, tried, { hints: [{ kind: 'load-option', option: 'format', example: owners[0].id, why: 'to see why it is refused' }, { kind: 'text', text }] })
  }
  const claimed = new Set(loaders.flatMap((l) => l.extensions.map((e) => e.toLowerCase())))
  const unsupported = unsupportedFormat(probe.extension, claimed)
  if (!unsupported) return undefined
  return new UnknownFormatError(`${summary}: it is ${unsupported.what}`, tried, { hints: [{ kind: 'text', text: unsupported.advice }], details: { unsupported: probe.extension }, listTried: false })
}

/** The recordings one level inside `folder`: each subfolder, and each file with a registered loader's extension. */
export async function recordingsInside(folder: FolderSource, registry: Ranker): Promise<FoundInside[]> {
  const entries = await folder.list('')
  const extensions = new Set(registry.list().flatMap((l) => (l.input === 'file' ? l.extensions.map((e) => e.toLowerCase()) : [])))
  const candidates = entries.filter((e) => e.kind === 'folder' || extensions.has(extensionAfterDot(e.name))).slice(0, MAX_LOOKED_AT)
  const found: FoundInside[] = []
  for (const entry of candidates) {
    const format = await recognise(folder, entry.name, entry.kind, registry)
    if (format) found.push({ input: joinInput(folder, entry.name, entry.kind), format })
  }
  return found
}

async function recognise(folder: FolderSource, name: string, kind: 'file' | 'folder', registry: Ranker): Promise<string | undefined> {
  try {
    const source = kind === 'folder' ? subfolder(folder, name) : await folder.open(name)
    try {
      const [best] = await registry.rank(await probeSource(source))
      return best && best.match.confidence > 0 ? best.loader.id : undefined
    } finally {
      if (source.type === 'file') await source.close().catch(() => {})
    }
  } catch {
    return undefined
  }
}

/** A view of `parent/name` as a folder of its own (closing it leaves the parent open). */
export function subfolder(parent: FolderSource, name: string): FolderSource {
  const inner = (rel: string | undefined) => (rel ? `${name}/${rel}` : name)
  return {
    type: 'folder',
    name,
    ...(parent.path ? { path: joinPath(parent.path, name) } : {}),
    list: (sub) => parent.list(inner(sub)),
    exists: (rel) => parent.exists(inner(rel)),
    open: (rel) => parent.open(inner(rel)),
    close: async () => {},
  }
}

function folderInput(folder: FolderSource): string {
  const url = (folder as { url?: unknown }).url
  return typeof url === 'string' ? url : (folder.path ?? folder.name)
}

function joinInput(folder: FolderSource, name: string, kind: 'file' | 'folder'): string {
  const url = (folder as { url?: unknown }).url
  if (typeof url === 'string') return `${url.replace(/\/+$/, '')}/${encodeURIComponent(name)}${kind === 'folder' ? '/' : ''}`
  return joinPath(folder.path ?? folder.name, name)
}

function joinPath(base: string, name: string): string {
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/'
  return `${base.replace(/[\\/]+$/, '')}${sep}${name}`
}

function extensionAfterDot(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

import { readFile, stat } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { InvalidArgumentError, MissingFileError, type DependencyContainer } from '@spikes/core'
import { urlScheme } from '@spikes/core/loader-utils'
import { sortItems, type ScanItem } from '../items.js'
import { expandDandiset, expandIblQuery, isDandiset, isIblQuery } from './remote-archives.js'
import { walkFolder, type Skipped, type WalkContext } from './walk.js'

/** How sources are expanded into recordings. */
export interface ExpandOptions {
  /** The container whose loaders decide what a file or folder is (and which resolves local paths). */
  readonly container: DependencyContainer
  /** --format: forced on every recording (DANDI and IBL expansions keep their own loader unless this is given). */
  readonly format?: string
  /** --options: loader options for every recording. */
  readonly options?: Record<string, unknown>
  readonly glob?: string
  /** DANDI API root for dandi:// inputs (else the apiBase option, else DANDI_API_URL). */
  readonly apiBase?: string
  readonly env?: Record<string, string | undefined>
  /** The fetch used for listings and archive APIs (default: Node's). */
  readonly fetch?: typeof fetch
  readonly signal?: AbortSignal
}

/** The recordings the sources name, sorted by source and without duplicates, and what the walk skipped. */
export interface Expansion {
  readonly items: ScanItem[]
  readonly skipped: Skipped[]
}

const MAX_LIST_DEPTH = 4

/**
 * Expands sources into recordings: local files and folders (walked: a recording folder counts once), http(s)
 * and s3:// folders (URLs ending in '/', walked the same way), `dandi://<dandiset>[/<version>]` (every NWB
 * asset, or those matching `glob`), `ibl://probes?...` (an IBL probe query), `@list.txt` (one source a line;
 * blank lines and lines starting with '#' ignored; relative paths are relative to the list's folder), and any
 * other URL or path as one recording.
 */
export async function expandSources(sources: readonly string[], options: ExpandOptions): Promise<Expansion> {
  if (!Array.isArray(sources) || sources.length === 0) throw new InvalidArgumentError('sources', sources, 'at least one path, URL, dandi://, ibl://probes?... or @list.txt')
  const ctx: WalkContext = { container: options.container, fetch: options.fetch, signal: options.signal, items: [], skipped: [] }
  for (const source of sources) await expandOne(source, options, ctx, process.cwd(), 0)
  const items = ctx.items.map((item) => applyUserChoice(item, options))
  // Overlapping sources walk a folder twice: each skipped file is listed once, as each recording is.
  const skipped = [...new Map(ctx.skipped.map((s) => [s.source, s])).values()]
  return { items: sortItems(items), skipped: skipped.sort((a, b) => (a.source < b.source ? -1 : 1)) }
}

async function expandOne(source: string, options: ExpandOptions, ctx: WalkContext, base: string, depth: number): Promise<void> {
  if (typeof source !== 'string' || source.trim() === '') throw new InvalidArgumentError('source', source, 'a path, URL or @list.txt')
  const text = source.trim()
  if (text.startsWith('@')) return expandList(text.slice(1), options, ctx, base, depth)
  const scheme = urlScheme(text)
  const archive = { options: options.options ?? {}, glob: options.glob, apiBase: dandiApiBase(options), fetch: options.fetch, signal: options.signal }
  if (scheme === 'dandi' && isDandiset(text)) return void ctx.items.push(...(await expandDandiset(text, archive)))
  if (scheme === 'ibl' && isIblQuery(text)) return void ctx.items.push(...(await expandIblQuery(text, archive)))
  if ((scheme === 'http' || scheme === 'https' || scheme === 's3') && text.endsWith('/')) return walkFolder(text, ctx)
  if (scheme) return void ctx.items.push({ source: text, ...(scheme === 'dandi' ? { format: 'dandi', options: withApiBase(options) } : {}) })
  const path = isAbsolute(text) ? text : resolve(base, text)
  const info = await stat(path).catch(() => null)
  if (!info) throw new MissingFileError(path, dirname(path), 'Check the path of the source.')
  if (info.isDirectory()) return walkFolder(path, ctx)
  ctx.items.push({ source: path, size: info.size })
}

async function expandList(file: string, options: ExpandOptions, ctx: WalkContext, base: string, depth: number): Promise<void> {
  if (depth >= MAX_LIST_DEPTH) throw new InvalidArgumentError('@list', file, `lists nested at most ${MAX_LIST_DEPTH} deep`)
  const path = isAbsolute(file) ? file : resolve(base, file)
  const text = await readFile(path, 'utf8').catch((error) => {
    throw new MissingFileError(path, dirname(path), `The source list could not be read (${(error as Error).message}).`)
  })
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim()
    if (entry === '' || entry.startsWith('#')) continue
    await expandOne(entry, options, ctx, dirname(path), depth + 1)
  }
}

function dandiApiBase(options: ExpandOptions): string | undefined {
  const fromOptions = options.options?.apiBase
  return options.apiBase ?? (typeof fromOptions === 'string' ? fromOptions : undefined) ?? (options.env ?? process.env).DANDI_API_URL
}

function withApiBase(options: ExpandOptions): Record<string, unknown> {
  const apiBase = dandiApiBase(options)
  return apiBase ? { ...options.options, apiBase } : { ...options.options }
}

/** --format forces one loader everywhere; --options go to every recording (expansions already carry them). */
function applyUserChoice(item: ScanItem, options: ExpandOptions): ScanItem {
  const format = options.format ?? item.format
  const merged = item.options ?? options.options
  return { source: item.source, ...(item.size !== undefined ? { size: item.size } : {}), ...(format ? { format } : {}), ...(merged && Object.keys(merged).length ? { options: merged } : {}) }
}

import { throwIfAborted, type FolderSource } from '@spikes/core'
import { parseAlfPath, type AlfPath } from './alf-name.js'

/** Every ALF file found under a folder, by collection. */
export interface AlfIndex {
  readonly datasets: readonly AlfPath[]
}

const MAX_DEPTH = 8
const MAX_FILES = 200_000
/** Folders listed at most (a listing that nests without end, over HTTP or through links, stops here). */
const MAX_FOLDERS = 10_000

/**
 * Lists a folder recursively (hidden folders skipped) and keeps the files whose names follow ALF: at most MAX_DEPTH
 * levels, MAX_FOLDERS folders and MAX_FILES files (local folders already leave out links back to an ancestor).
 */
export async function indexAlfFolder(folder: FolderSource, signal?: AbortSignal): Promise<AlfIndex> {
  const datasets: AlfPath[] = []
  let seen = 0
  let folders = 0
  const walk = async (sub: string, depth: number): Promise<void> => {
    throwIfAborted(signal, 'Listing the ALF folder')
    if (++folders > MAX_FOLDERS) return
    const entries = await folder.list(sub)
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const rel = sub ? `${sub}/${entry.name}` : entry.name
      if (entry.kind === 'folder') {
        if (depth < MAX_DEPTH) await walk(rel, depth + 1)
        continue
      }
      if (++seen > MAX_FILES) return
      const parsed = parseAlfPath(rel)
      if (parsed) datasets.push(parsed)
    }
  }
  await walk('', 0)
  return { datasets }
}

/** The attribute key of a dataset within its object: `times`, `times_ephysClock`, `stimOn_times`. */
export function attributeKey(d: AlfPath): string {
  return d.timescale ? `${d.attribute}_${d.timescale}` : d.attribute
}

function matchesObject(d: AlfPath, object: string, namespace?: string): boolean {
  return d.object === object && (namespace === undefined || d.namespace === namespace)
}

/** Collections holding the object (sorted), optionally only those having all the given attributes. */
export function collectionsWith(index: AlfIndex, object: string, attributes: readonly string[] = []): string[] {
  const byCollection = new Map<string, Set<string>>()
  for (const d of index.datasets) {
    if (!matchesObject(d, object)) continue
    let set = byCollection.get(d.collection)
    if (!set) byCollection.set(d.collection, (set = new Set()))
    set.add(attributeKey(d))
  }
  return [...byCollection.entries()]
    .filter(([, attrs]) => attributes.every((a) => attrs.has(a)))
    .map(([c]) => c)
    .sort()
}

const EXTENSION_RANK: Record<string, number> = { npy: 0, pqt: 1, parquet: 1, tsv: 2, csv: 3, json: 4 }

/**
 * The files of one object in one collection: for each attribute, the file of the latest revision
 * that is not after `revision` (lexicographic, the unrevisioned files counting as ''), as ONE does.
 */
export function objectFiles(index: AlfIndex, object: string, collection: string, revision?: string): Map<string, AlfPath> {
  const best = new Map<string, AlfPath>()
  for (const d of index.datasets) {
    if (d.collection !== collection || !matchesObject(d, object)) continue
    if (revision !== undefined && d.revision > revision) continue
    const key = attributeKey(d)
    const current = best.get(key)
    if (!current) {
      best.set(key, d)
      continue
    }
    if (d.revision !== current.revision) {
      if (d.revision > current.revision) best.set(key, d)
      continue
    }
    const rank = (p: AlfPath) => EXTENSION_RANK[p.extension.toLowerCase()] ?? 9
    if (rank(d) < rank(current) || (rank(d) === rank(current) && d.relativePath < current.relativePath)) best.set(key, d)
  }
  return best
}

/** Revisions present for an object in a collection ('' = unrevisioned), sorted. */
export function revisionsOf(index: AlfIndex, object: string, collection: string): string[] {
  const set = new Set<string>()
  for (const d of index.datasets) if (d.collection === collection && d.object === object) set.add(d.revision)
  return [...set].sort()
}

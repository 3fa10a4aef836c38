import { InvalidDataError } from '@spikes/core'
import { attributeKey, type AlfIndex } from '../lib/alf-index.js'
import { findSessionPath, parseAlfPath, removeUuid, type AlfPath } from '../lib/alf-name.js'
import type { DownloadSpec } from './cache.js'

/** The parts of an Alyx dataset record the loader uses. */
export interface DatasetRecord {
  readonly url?: string
  readonly id?: string
  readonly name: string
  readonly collection?: string | null
  readonly revision?: string | null
  readonly default_dataset?: boolean
  readonly file_size?: number | null
  readonly hash?: string | null
  readonly exists?: boolean
  readonly file_records?: readonly { data_url?: string | null; exists?: boolean; relative_path?: string; data_repository_path?: string }[]
  readonly data_url?: string | null
}

export interface RemoteDataset extends AlfPath {
  readonly download: DownloadSpec
}

export interface SessionDatasets {
  /** `lab/Subjects/subject/date/number`: the session folder inside the cache. */
  readonly sessionPath: string
  readonly index: AlfIndex & { datasets: RemoteDataset[] }
}

/**
 * The file to download: as ONE, the first existing file record under the public file server (`dataServer`),
 * else the first existing record with a URL (another repository, e.g. a private bucket that needs signing).
 */
function dataUrl(record: DatasetRecord, dataServer: string | undefined): string | undefined {
  if (record.data_url) return record.data_url
  const withUrl = (record.file_records ?? []).filter((f) => f.data_url && f.exists !== false)
  const server = dataServer?.replace(/\/+$/, '') + '/'
  const onServer = dataServer ? withUrl.find((f) => f.data_url!.startsWith(server)) : undefined
  return (onServer ?? withUrl[0])?.data_url ?? undefined
}

/** How a dataset revision is chosen per attribute. */
export interface DatasetChoice {
  /** The latest revision not after this label ('' = unrevisioned sorts first); undefined: ONE's default dataset, else the latest. */
  readonly revision?: string
  /** The public file server whose file records are preferred. */
  readonly dataServer?: string
}

function better(candidate: { revision: string; isDefault: boolean }, current: { revision: string; isDefault: boolean } | undefined, pin: string | undefined): boolean {
  if (pin !== undefined && candidate.revision > pin) return false
  if (!current) return true
  if (pin === undefined && candidate.isDefault !== current.isDefault) return candidate.isDefault
  if (candidate.revision !== current.revision) return candidate.revision > current.revision
  return candidate.isDefault && !current.isDefault
}

function sessionOf(record: DatasetRecord, url: string | undefined): string | undefined {
  if (url) {
    let pathname = url
    try {
      pathname = decodeURIComponent(new URL(url).pathname)
    } catch {
      // not an absolute URL: use it as a path
    }
    const s = findSessionPath(pathname)
    if (s) return s.path
  }
  for (const fr of record.file_records ?? []) {
    if (!fr.relative_path) continue
    const s = findSessionPath(`${fr.data_repository_path ?? ''}/${fr.relative_path}`.replace(/\/+/g, '/'))
    if (s) return s.path
  }
  return undefined
}

/**
 * Alyx dataset records of one session -> an ALF index of the files to fetch. For each attribute: with a pinned
 * revision, the latest revision not after it (ONE's revision_last_before); without, the default dataset, else
 * the latest revision. Records without a downloadable file are dropped.
 */
export function sessionDatasets(records: readonly DatasetRecord[], eid: string, choice: DatasetChoice = {}): SessionDatasets {
  let sessionPath: string | undefined
  const chosen = new Map<string, { d: RemoteDataset; isDefault: boolean }>()
  for (const r of records) {
    if (!r || typeof r.name !== 'string' || r.exists === false) continue
    const url = dataUrl(r, choice.dataServer)
    if (!url) continue
    sessionPath ??= sessionOf(r, url)
    const collection = (r.collection ?? '').replace(/^\/+|\/+$/g, '')
    const revision = (r.revision ?? '').replace(/^#|#$/g, '')
    const name = removeUuid(r.name)
    const rel = [collection, revision ? `#${revision}#` : '', name].filter(Boolean).join('/')
    const parsed = parseAlfPath(rel)
    if (!parsed) continue
    const d: RemoteDataset = {
      ...parsed,
      download: { relPath: rel, url, size: typeof r.file_size === 'number' ? r.file_size : undefined, md5: typeof r.hash === 'string' && /^[0-9a-f]{32}$/i.test(r.hash) ? r.hash : undefined },
    }
    const key = `${d.collection}|${d.namespace ?? ''}|${d.object}|${attributeKey(d)}|${d.extension}`
    const isDefault = r.default_dataset !== false
    const current = chosen.get(key)
    if (better({ revision: d.revision, isDefault }, current && { revision: current.d.revision, isDefault: current.isDefault }, choice.revision)) chosen.set(key, { d, isDefault })
  }
  if (chosen.size > 0 && !sessionPath) throw new InvalidDataError(`Alyx dataset records of session ${eid} give no session folder (lab/Subjects/subject/date/number) in their file URLs.`, { eid })
  const datasets = [...chosen.values()].map((c) => ({ ...c.d, download: { ...c.d.download, relPath: `${sessionPath}/${c.d.download.relPath}` } }))
  return { sessionPath: sessionPath ?? eid, index: { datasets } }
}

/** A session's files known by their paths only (ONE's cache tables): no URL, so they can only be read from the cache. */
export function sessionDatasetsFromFiles(sessionPath: string, files: readonly { relPath: string; size?: number; md5?: string }[]): SessionDatasets {
  const datasets: RemoteDataset[] = []
  for (const f of files) {
    const parsed = parseAlfPath(f.relPath)
    if (!parsed) continue
    datasets.push({ ...parsed, download: { relPath: `${sessionPath}/${parsed.relativePath}`, url: '', size: f.size, md5: f.md5 && /^[0-9a-f]{32}$/i.test(f.md5) ? f.md5 : undefined } })
  }
  return { sessionPath, index: { datasets } }
}

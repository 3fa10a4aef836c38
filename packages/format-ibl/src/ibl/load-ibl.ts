import { InvalidArgumentError, MissingFileError, SpikeData, type FolderSource, type LoadContext } from '@spikes/core'
import type { ResolvedIblOptions } from '../options.js'
import { collectionsWith, objectFiles } from '../lib/alf-index.js'
import { objectColumns, readObject } from '../lib/alf-objects.js'
import { electrodesByChannel } from '../lib/channels.js'
import { countClusters, groupSpikes } from '../lib/group-spikes.js'
import { openSpikeFiles } from '../lib/spike-files.js'
import { trialsMetadata } from '../lib/trials.js'
import { AlyxClient, isUnreachable, warnOffline } from './alyx.js'
import { AlyxAuth, tokenStore } from './auth.js'
import { memoryOnlyMessage, openCache, type HttpSettings, type OneCache } from './cache.js'
import { sessionDatasets, type DatasetChoice, type DatasetRecord, type RemoteDataset, type SessionDatasets } from './datasets.js'
import { oneCacheDatasets } from './one-tables.js'
import { candidateCollections, probeInsertion } from './probe.js'
import { sessionMetadata } from './session-metadata.js'
import { loadUnitsTable, type UnitsTable } from './units-table.js'

/** Per-unit columns copied from the unit table, as SpikeLab (source column -> attribute). */
const PER_UNIT_COPY: readonly (readonly [string, string])[] = [
  ['acronym', 'acronym'],
  ['atlas_id', 'atlas_id'],
  ['Cosmos', 'cosmos'],
  ['firing_rate', 'firing_rate'],
  ['presence_ratio', 'presence_ratio'],
  ['amp_median', 'amp_median'],
  ['contamination', 'contamination'],
  ['drift', 'drift'],
  ['noise_cutoff', 'noise_cutoff'],
  ['cluster_id', 'cluster_id'],
]

function value(v: unknown): unknown {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v
  if (typeof v === 'bigint') return Number(v)
  return v
}

/** Rows of the good units (label == 1) of one probe, in table order. */
export function goodUnitRows(table: UnitsTable, pid: string): number[] {
  const rows: number[] = []
  const want = pid.toLowerCase()
  for (let r = 0; r < table.numRows; r++) {
    const p = table.pid[r]
    if (typeof p === 'string' && p.toLowerCase() === want && Number(table.label[r]) === 1) rows.push(r)
  }
  return rows
}

export function parseIblUrl(url: string): { eid?: string; pid?: string } {
  const m = /^ibl:\/\/([^/?#]*)(?:\/([^/?#]*))?/i.exec(url)
  if (!m) return {}
  return { ...(m[1] ? { eid: m[1] } : {}), ...(m[2] ? { pid: m[2] } : {}) }
}

interface Session {
  readonly client: AlyxClient
  readonly cache: OneCache
  readonly http: HttpSettings
  readonly datasets: SessionDatasets
  readonly folder: FolderSource
}

/**
 * Downloads (or finds in the cache) the files of one object in one collection (only `attributes` when given).
 * Returns the attributes now in the cache; undefined when the collection lacks the object. Offline, files never
 * downloaded are left out (all missing -> MissingFileError).
 */
async function fetchObject(s: Session, object: string, collection: string, attributes?: readonly string[]): Promise<Set<string> | undefined> {
  const files = objectFiles(s.datasets.index, object, collection)
  if (files.size === 0) return undefined
  const got = new Set<string>()
  let missing: string | undefined
  for (const [key, d] of files) {
    if (attributes && !attributes.includes(key)) continue
    const spec = (d as RemoteDataset).download
    if (s.client.isOffline || !spec.url) {
      if (await s.cache.has(spec.relPath, spec.size)) got.add(key)
      else missing ??= spec.relPath
      continue
    }
    try {
      await s.cache.fetchFile(spec, s.http)
    } catch (error) {
      if (!(isUnreachable(error) && (await s.cache.has(spec.relPath)))) throw error
    }
    got.add(key)
  }
  if (got.size === 0 && missing) throw new MissingFileError(missing, s.cache.root ?? 'the cache', 'The server is not reachable (or mode is local) and this file was never downloaded.')
  return got
}

/** The trials attributes SpikeLab's metadata reads (a table may hold them as columns). */
const TRIAL_ATTRIBUTES = ['table', 'intervals', 'intervals_0', 'intervals_1', 'stimOn_times', 'stimOff_times', 'goCue_times', 'response_times', 'feedback_times', 'firstMovement_times', 'choice', 'feedbackType', 'contrastLeft', 'contrastRight', 'probabilityLeft']
const CHANNEL_ATTRIBUTES = ['acronym', 'atlas_id', 'brainLocationIds_ccf_2017', 'brainLocationAcronyms_ccf_2017', 'mlapdv', 'localCoordinates', 'rawInd']

/** The session's dataset records (or, offline, ONE's own cache tables) as an index of files to fetch. */
async function listDatasets(client: AlyxClient, cache: OneCache, eid: string, choice: DatasetChoice, onOffline: (error: Error) => void): Promise<SessionDatasets> {
  try {
    const listing = await client.get<DatasetRecord[] | { results: DatasetRecord[] }>(`datasets?session=${eid}&exists=True`)
    const records = Array.isArray(listing.body) ? listing.body : (listing.body?.results ?? [])
    return sessionDatasets(records, eid, choice)
  } catch (error) {
    // No recorded answer and no server: a cache filled by ONE itself still lists the session in its tables.
    if (!client.isOffline && !isUnreachable(error)) throw error
    const fromOne = await oneCacheDatasets(cache, eid)
    if (!fromOne) throw error
    if (!client.isOffline) {
      client.goOffline()
      onOffline(error as Error)
    }
    return fromOne
  }
}

/** The good units' spikes from the first candidate collection that holds them. */
async function loadSpikes(session: Session, ordered: readonly string[], clusterIds: number[], context: LoadContext) {
  const failures: Record<string, string> = {}
  for (const candidate of ordered) {
    if (!collectionsWith(session.datasets.index, 'spikes', ['times', 'clusters']).includes(candidate)) {
      failures[candidate] = 'no spikes.times / spikes.clusters datasets'
      continue
    }
    const got = await fetchObject(session, 'spikes', candidate, ['times', 'clusters'])
    if (!got?.has('times') || !got.has('clusters')) throw new MissingFileError(`${candidate}/spikes.times.npy`, session.cache.root ?? 'the cache', 'The server is not reachable (or mode is local) and the spikes were never downloaded.')
    const files = await openSpikeFiles(session.folder, session.datasets.index, candidate, undefined, false)
    if (!files) continue
    try {
      const counts = await countClusters(files.clusters, context.signal)
      return { grouped: await groupSpikes(files, counts, clusterIds, context.signal), collection: candidate, failures }
    } finally {
      await files.close()
    }
  }
  return { grouped: undefined, collection: undefined, failures }
}

function neuronAttributes(units: UnitsTable, good: readonly number[]): Record<string, unknown>[] {
  return good.map((r) => {
    const attr: Record<string, unknown> = { region: units.region ? (value(units.region[r]) ?? null) : null }
    for (const [col, key] of PER_UNIT_COPY) {
      const column = units.columns.get(col)
      if (!column) continue
      const v = value(column[r])
      if (v !== undefined) attr[key] = v
    }
    return attr
  })
}

/** Trials (SpikeLab's one.load_object(eid, 'trials'), which fails the load when the session has none) and channels (best effort). */
async function trialsAndChannels(session: Session, eid: string, ordered: readonly string[], context: LoadContext): Promise<Record<string, unknown>> {
  const { datasets, folder } = session
  const trialCollections = collectionsWith(datasets.index, 'trials')
  const trialsCollection = trialCollections.includes('alf') ? 'alf' : trialCollections[0]
  if (trialsCollection === undefined) throw new MissingFileError('trials.*', `session ${eid}`, 'The session has no trials object (SpikeLab needs one too).')
  const trialFiles = await fetchObject(session, 'trials', trialsCollection, TRIAL_ATTRIBUTES)
  const trials = trialsMetadata(objectColumns(await readObject(folder, datasets.index, 'trials', trialsCollection, undefined, context, { only: trialFiles })))
  if (trials.missing.length) context.warn('SPIKES_WARN_IBL_TRIALS_INCOMPLETE', `The trials object of session ${eid} has no ${trials.missing.join(', ')}; those metadata keys are left out.`, { eid, missing: trials.missing })
  const out: Record<string, unknown> = { ...trials.metadata }
  for (const candidate of ordered) {
    try {
      const channelFiles = await fetchObject(session, 'channels', candidate, CHANNEL_ATTRIBUTES)
      if (!channelFiles?.size) continue
      const electrodes = electrodesByChannel(await readObject(folder, datasets.index, 'channels', candidate, undefined, context, { only: channelFiles }))
      if (Object.keys(electrodes).length) out.electrodes_by_channel = electrodes
      break
    } catch (error) {
      if ((error as { code?: string }).code === 'SPIKES_ABORTED') throw error
    }
  }
  return out
}

function warnRegions(units: UnitsTable, table: string, context: LoadContext): void {
  if (!units.region) context.warn('SPIKES_WARN_IBL_NO_BERYL', `The unit table (${table}) has neither a Beryl nor an atlas_id column; units get no region.`, { table })
  else if (units.regionColumn !== 'Beryl') context.warn('SPIKES_WARN_IBL_NO_BERYL', `The unit table (${table}) has no Beryl or atlas_id column; 'region' is taken from its '${units.regionColumn}' column (Allen acronyms, not the Beryl parcellation).`, { table, column: units.regionColumn })
}

export async function loadIbl(eid: string, pid: string, opts: ResolvedIblOptions, context: LoadContext): Promise<SpikeData> {
  const cache = await openCache(opts.cacheDir, opts.baseUrl, (dir, error) => context.warn('SPIKES_WARN_IBL_CACHE_IN_MEMORY', memoryOnlyMessage(dir, error), { cacheDir: dir }))
  const plain: HttpSettings = { fetch: context.fetch, timeoutMs: opts.timeoutMs, retries: opts.retries, signal: context.signal }
  const auth = new AlyxAuth(opts.baseUrl, { username: opts.username, password: opts.password, token: opts.token }, tokenStore(cache.root), plain)
  // Downloads carry the token only when they go to the Alyx origin itself (never to the file server or a bucket).
  const http: HttpSettings = { ...plain, headersFor: (url) => auth.headersFor(url) }
  let warnedOffline = false
  const offline = warnOffline(context)
  const onOffline = (error: Error) => {
    if (!warnedOffline) offline(error as never)
    warnedOffline = true
  }
  const client = new AlyxClient({ baseUrl: opts.baseUrl, mode: opts.mode, http, cache, auth, onOffline })

  context.progress({ phase: 'unit table', loaded: 0, unit: 'requests' })
  const units = await loadUnitsTable({ location: opts.unitsTable, md5: opts.unitsTableMd5, trialsLocation: opts.trialsTable, criteria: opts.bwmUnits, mode: opts.mode, cache, http: plain, onOffline, warn: context.warn })
  warnRegions(units, opts.unitsTable, context)
  const good = goodUnitRows(units, pid)
  const insertion = await probeInsertion(client, eid, pid, opts.collection)
  const ordered = candidateCollections(insertion.name, opts.collection)

  context.progress({ phase: 'datasets', loaded: 0, unit: 'requests' })
  const datasets = await listDatasets(client, cache, eid, { revision: opts.revision, dataServer: opts.dataServer }, onOffline)
  const folder = await cache.folder(datasets.sessionPath)
  const session: Session = { client, cache, http, datasets, folder }

  const spikes = await loadSpikes(session, ordered, good.map((r) => Number(units.clusterId[r])), context)
  const grouped = spikes.grouped
  if (!grouped && good.length > 0) {
    context.warn(
      'SPIKES_WARN_IBL_NO_SPIKES',
      `Failed to load spikes for eid=${eid}, pid=${pid} from any of the candidate collections: ${ordered.join(', ')}. The Brain-Wide Map lists ${good.length} good unit(s) for this probe; the result has ${good.length} units but zero spikes. Verify the eid/pid pair on the IBL server.`,
      { eid, pid, collections: ordered, goodUnits: good.length, failures: spikes.failures },
    )
  }

  let lengthMs = opts.lengthMs
  if (lengthMs === undefined) {
    const max = grouped && grouped.times.length > 0 ? grouped.maxMs : 0
    const why = grouped ? `probe ${pid} has zero spikes in every selected unit (${good.length} good units)` : `no spikes could be loaded for probe ${pid} from any of the candidate collections (${ordered.join(', ')}): check the eid/pid pair, or give the collection`
    if (!(max > 0)) throw new InvalidArgumentError('lengthMs', undefined, `an explicit recording length: ${why}, so the length cannot be inferred; pass lengthMs (e.g. the session duration from the trials table)`)
    lengthMs = max
  }

  const metadata: Record<string, unknown> = { eid, pid, ...(await trialsAndChannels(session, eid, ordered, context)) }
  metadata.identifier = eid
  metadata.format = 'IBL'
  metadata.unit_count = good.length
  metadata.duration_seconds = lengthMs / 1000
  if (spikes.collection !== undefined) metadata.collection = spikes.collection
  if (opts.revision !== undefined) metadata.revision = opts.revision
  metadata.unit_selection = units.selection
  metadata.session_path = datasets.sessionPath
  if (cache.root) metadata.cache_dir = cache.root
  Object.assign(metadata, await sessionMetadata(client, eid, insertion.record))

  const times = grouped?.times ?? new Float64Array(0)
  const offsets = grouped?.offsets ?? new Float64Array(good.length + 1)
  return new SpikeData({ times, offsets, lengthMs, neuronAttributes: neuronAttributes(units, good), metadata })
}

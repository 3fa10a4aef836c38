import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { InvalidArgumentError, LoaderRegistry } from '@spikes/core'
import { isRemoteItem, type ScanItem } from './items.js'
import { LEDGER_FILE, Ledger, latestBySource, readLedgerLines, type LedgerLine } from './ledger.js'
import { checkOptionsKnown } from './load-options.js'
import { MANIFEST_FILE, readManifest, writeManifest, type Manifest } from './manifest.js'
import { ScanMismatchError } from './errors.js'
import { RECORDINGS_FILE, UNITS_FILE, writeTables } from './parquet.js'
import { runPool, type WorkerStats } from './pool.js'
import { forLoop, resolveLoadIn, type LoadIn } from './runner.js'
import { loadSetup } from './setup.js'
import { assignShards, listDigest, shardFolderName, shardFromEnvironment, type Shard } from './shard.js'
import { expandSources } from './sources/expand.js'
import type { Skipped } from './sources/walk.js'

/** Options of {@link scan}; the CLI's `spikes scan` flags map one to one. */
export interface ScanOptions {
  /** Paths, URLs, dandi://, ibl://probes?..., @list.txt. */
  sources: readonly string[]
  /** Output folder (created when missing); a shard writes into `<out>/shards/<i>-of-<n>/`. */
  out: string
  /** Worker processes (default: the number of cores). */
  jobs?: number
  format?: string
  options?: Record<string, unknown>
  glob?: string
  /** DANDI API root for dandi:// sources (default: the apiBase option, DANDI_API_URL, the public archive). */
  apiBase?: string
  /** This task's shard; default from the array-job environment (see shardFromEnvironment). */
  shard?: Shard
  /** Shard count for JOB_COMPLETION_INDEX (Kubernetes), or to override the engine's. */
  shards?: number
  /** Skip recordings already in the output's ledger. Without it, an output folder holding a scan is refused. */
  resume?: boolean
  /** Module exporting scanSetup() that workers import to register loaders (default: every installed `@spikes` plugin). */
  setup?: string
  /** Recordings each worker loads at once (default 2). */
  inFlight?: number
  /**
   * HTTP requests each worker has open at once to one host (default 8), over all its recordings in flight:
   * a remote read larger than 512 KiB goes out as several requests made together, which wait for a free
   * connection beyond this cap.
   */
  maxRequests?: number
  /**
   * Where each worker runs its recordings in flight (default 'auto': 'loop' when the installed @spikes/hdf5 has
   * the asynchronous HDF5 tree reader, else 'threads'): 'threads', one load thread per
   * recording in flight, for loaders whose reads block their thread (in-place h5wasm reads of remote HDF5);
   * 'loop', all on the worker's own event loop, for loaders that read asynchronously (local files, NWB through
   * the asynchronous HDF5 tree): no thread start-up, one copy of each module and of h5wasm per worker.
   */
  loadIn?: LoadIn | 'auto'
  /** Heap limit per worker in MB (default 1024). */
  heapMb?: number
  /** A worker above this resident size after a recording is replaced (MB, default 1024). */
  recycleRssMb?: number
  env?: Record<string, string | undefined>
  signal?: AbortSignal
  /** Called after every recording (and once at the start) with the scan's progress. */
  onProgress?: (progress: ScanProgress) => void
}

/** Progress of a scan, after every recording. */
export interface ScanProgress {
  done: number
  total: number
  failed: number
  bytes: number
  elapsedSeconds: number
  /** Estimated seconds left (null before the first recording finishes). */
  etaSeconds: number | null
}

/** What {@link scan} returns (and the CLI prints at the end). */
export interface ScanSummary {
  folder: string
  shard: Shard | null
  /** Recordings this scan (or shard) covers. */
  recordings: number
  /** Of those, already in the ledger from an earlier run (--resume). */
  resumed: number
  ok: number
  failed: number
  units: number
  skipped: Skipped[]
  bytes: number
  seconds: number
  /** Where the workers ran their loads ('auto' resolved). */
  loadIn: LoadIn
  workers: WorkerStats[]
}

/**
 * Scans sources into `<folder>/recordings.parquet` and `<folder>/units.parquet`: expands them into recordings,
 * takes this shard's share, loads each in a pool of worker processes, appends each result to the ledger as it
 * finishes, and writes the tables (sorted by source) at the end. A recording that fails is a row with its error.
 */
export async function scan(options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now()
  const jobs = checkCount(options.jobs ?? availableParallelism(), 'jobs', 256)
  const inFlight = checkCount(options.inFlight ?? 2, 'inFlight', 64)
  const maxRequests = checkCount(options.maxRequests ?? 8, 'maxRequests', 256)
  if (options.loadIn !== undefined && !['auto', 'threads', 'loop'].includes(options.loadIn)) throw new InvalidArgumentError('loadIn', options.loadIn, "'auto', 'threads' or 'loop'")
  const loadIn = await resolveLoadIn(options.loadIn ?? 'auto')
  if (typeof options.out !== 'string' || !options.out) throw new InvalidArgumentError('out', options.out, 'an output folder (-o <dir>)')
  const shard = shardFromEnvironment(options.env ?? process.env, options.shard, options.shards) ?? null
  const container = await loadSetup(options.setup)
  if (options.options && !options.format) checkOptionsKnown(container.resolve(LoaderRegistry), options.options)
  const expansion = await expandSources(options.sources, { container, format: options.format, options: options.options, glob: options.glob, apiBase: options.apiBase, env: options.env, signal: options.signal })
  const items = shard ? assignShards(expansion.items, shard.count)[shard.index] : expansion.items
  const folder = shard ? join(resolve(options.out), 'shards', shardFolderName(shard)) : resolve(options.out)
  const digest = listDigest(expansion.items)
  prepareFolder(folder, options.resume === true, digest)
  const manifest: Manifest = {
    version: 1, complete: false, shard, listDigest: digest, totalRecordings: expansion.items.length,
    shardRecordings: items.length, skipped: expansion.skipped.length, sources: [...options.sources],
  }
  writeManifest(folder, manifest)
  writeFileSync(join(folder, SKIPPED_FILE), JSON.stringify(expansion.skipped, null, 1) + '\n')

  const ledgerPath = join(folder, LEDGER_FILE)
  const wanted = new Set(items.map((i) => i.source))
  const done = new Set<string>()
  readLedgerLines(ledgerPath, (line) => wanted.has(line.source) && done.add(line.source))
  const todo: ScanItem[] = items.filter((i) => !done.has(i.source)).map((i) => (loadIn === 'loop' ? forLoop(i) : i))
  const progress: ScanProgress = { done: done.size, total: items.length, failed: 0, bytes: 0, elapsedSeconds: 0, etaSeconds: null }
  options.onProgress?.({ ...progress })
  const ledger = new Ledger(ledgerPath)
  const remote = todo.some(isRemoteItem)
  let workers: WorkerStats[]
  try {
    workers = await runPool(todo, { jobs, setup: options.setup, concurrency: loadThreads(loadIn, inFlight, remote ? maxRequests : null), maxRequests: remote ? maxRequests : null, loadIn, heapMb: options.heapMb ?? 1024, recycleRssMb: options.recycleRssMb ?? 1024, signal: options.signal }, (entry) => {
      ledger.append(entry)
      progress.done++
      if (entry.recording.status === 'error') progress.failed++
      progress.bytes += entry.recording.bytes_read ?? 0
      progress.elapsedSeconds = (performance.now() - started) / 1000
      const fresh = progress.done - done.size
      progress.etaSeconds = fresh > 0 ? (progress.elapsedSeconds / fresh) * (progress.total - progress.done) : null
      options.onProgress?.({ ...progress })
    })
  } finally {
    ledger.close()
  }
  options.signal?.throwIfAborted()
  const lines: LedgerLine[] = []
  readLedgerLines(ledgerPath, (line) => wanted.has(line.source) && lines.push(line))
  const written = writeTables(latestBySource(lines), folder)
  writeManifest(folder, { ...manifest, complete: true, ok: written.ok, failed: written.failed, units: written.units })
  return {
    folder, shard, recordings: items.length, resumed: done.size, ok: written.ok, failed: written.failed, units: written.units,
    skipped: expansion.skipped, bytes: progress.bytes, seconds: (performance.now() - started) / 1000, loadIn, workers,
  }
}

const SKIPPED_FILE = 'skipped.json'

/**
 * Creates the folder; refuses one holding any file of the names a scan writes, unless resuming the scan there
 * (its scan.json), and resuming a scan of other recordings: a scan never overwrites another's tables or files.
 */
function prepareFolder(folder: string, resume: boolean, digest: string): void {
  const earlier = readManifest(folder)
  const present = [MANIFEST_FILE, LEDGER_FILE, RECORDINGS_FILE, UNITS_FILE, SKIPPED_FILE].filter((name) => existsSync(join(folder, name)))
  if (present.length && !resume) throw new InvalidArgumentError('out', folder, `a folder without a scan in it (it holds ${present.join(', ')}), or --resume to continue the scan already there`)
  // Files of those names without a readable scan.json are someone else's: --resume must not write over them either.
  if (present.length && !earlier) throw new InvalidArgumentError('out', folder, `a new folder, or one holding a scan to resume (it holds ${present.join(', ')} but no readable ${MANIFEST_FILE} of a scan)`)
  if (earlier && earlier.listDigest !== digest) {
    throw new ScanMismatchError(
      `${folder} holds a scan of other recordings (${earlier.totalRecordings} from ${earlier.sources.join(' ')}); --resume continues the same scan only. Give the same sources (and --glob), or choose a new output folder.`,
      { folder, sources: earlier.sources },
    )
  }
  mkdirSync(folder, { recursive: true })
}

/**
 * Recordings in flight per worker. A load thread has a module instance of its own, out of reach of the
 * worker's request cap, and reads one request at a time: with remote inputs, no more threads than the cap.
 */
function loadThreads(loadIn: LoadIn, inFlight: number, maxRequests: number | null): number {
  return loadIn === 'threads' && maxRequests !== null ? Math.min(inFlight, maxRequests) : inFlight
}

function checkCount(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidArgumentError(name, value, `a whole number from 1 to ${max}`)
  return value
}

import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { InvalidArgumentError } from '@spikes/core'
import { ScanIncompleteError, ScanMismatchError } from './errors.js'
import { LEDGER_FILE, latestBySource, readLedgerLines, type LedgerLine } from './ledger.js'
import { MANIFEST_FILE, readManifest, writeManifest } from './manifest.js'
import { RECORDINGS_FILE, UNITS_FILE, writeTables, type TablesWritten } from './parquet.js'

/** What {@link mergeShards} wrote. */
export interface MergeSummary extends TablesWritten {
  folder: string
  shards: number
}

const SHARD_NAME = /^(\d+)-of-(\d+)$/

/**
 * Combines `<folder>/shards/<i>-of-<n>/` into `<folder>/recordings.parquet` and `<folder>/units.parquet`, rows
 * sorted by source exactly as an unsharded scan writes them. Every shard 0..n-1 must be present and complete
 * (ScanIncompleteError naming the others) and all must come from the same source list (ScanMismatchError).
 */
export function mergeShards(folderInput: string): MergeSummary {
  if (typeof folderInput !== 'string' || !folderInput) throw new InvalidArgumentError('folder', folderInput, 'the output folder of a sharded scan')
  const folder = resolve(folderInput)
  const shardsDir = join(folder, 'shards')
  const names = existsSync(shardsDir) ? readdirSync(shardsDir).filter((n) => SHARD_NAME.test(n)) : []
  if (names.length === 0) throw new ScanIncompleteError(folder, ['shards/<i>-of-<n> (none found)'], [], 0)
  const counts = new Set(names.map((n) => Number(SHARD_NAME.exec(n)![2])))
  if (counts.size > 1) throw new ScanMismatchError(`${shardsDir} holds shards of different counts (${[...counts].join(', ')}). Keep the shards of one run only.`, { folder, counts: [...counts] })
  const count = [...counts][0]
  const missing: string[] = []
  const incomplete: string[] = []
  const digests = new Set<string>()
  for (let i = 0; i < count; i++) {
    const name = `${i}-of-${count}`
    if (!names.includes(name)) {
      missing.push(name)
      continue
    }
    const manifest = readManifest(join(shardsDir, name))
    if (!manifest?.complete) incomplete.push(name)
    else digests.add(manifest.listDigest)
  }
  if (missing.length || incomplete.length) throw new ScanIncompleteError(folder, missing, incomplete, count)
  if (digests.size > 1) throw new ScanMismatchError(`The shards in ${shardsDir} scanned different source lists. Re-run them with the same sources.`, { folder, digests: [...digests] })
  const lines: LedgerLine[] = []
  const first = readManifest(join(shardsDir, `0-of-${count}`))!
  const totals = { shardRecordings: 0, skipped: first.skipped }
  for (let i = 0; i < count; i++) {
    const dir = join(shardsDir, `${i}-of-${count}`)
    const wanted = readManifest(dir)!
    totals.shardRecordings += wanted.shardRecordings
    readLedgerLines(join(dir, LEDGER_FILE), (line) => lines.push(line))
  }
  const latest = latestBySource(lines)
  if (latest.length !== first.totalRecordings) {
    throw new ScanMismatchError(`The shards hold ${latest.length} recordings but the source list has ${first.totalRecordings}.`, { folder, recordings: latest.length, expected: first.totalRecordings })
  }
  checkMergeTarget(folder, first.listDigest)
  const written = writeTables(latest, folder)
  writeManifest(folder, {
    version: 1, complete: true, shard: null, listDigest: first.listDigest, totalRecordings: first.totalRecordings, shardRecordings: totals.shardRecordings,
    ok: written.ok, failed: written.failed, units: written.units, skipped: totals.skipped, sources: first.sources,
  })
  return { folder, shards: count, ...written }
}

/**
 * The folder's own tables may only be those of this scan (an earlier merge of it): an unsharded scan of other
 * recordings there, or tables that are no scan's, are never replaced.
 */
function checkMergeTarget(folder: string, digest: string): void {
  const earlier = readManifest(folder)
  if (earlier && earlier.listDigest !== digest) {
    throw new ScanMismatchError(`${folder} already holds the tables of a scan of other recordings (${earlier.totalRecordings} from ${earlier.sources.join(' ')}); the shards would replace them. Merge into the folder the shards were scanned for, or move that scan away.`, { folder, sources: earlier.sources })
  }
  const foreign = [RECORDINGS_FILE, UNITS_FILE].filter((name) => existsSync(join(folder, name)))
  if (!earlier && foreign.length) throw new InvalidArgumentError('folder', folder, `a scan folder whose tables may be written (it holds ${foreign.join(', ')} but no ${MANIFEST_FILE} of a scan)`)
}

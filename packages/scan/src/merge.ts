import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { InvalidArgumentError } from '@spikes/core'
import { ScanIncompleteError, ScanMismatchError } from './errors.js'
import { LEDGER_FILE, latestBySource, readLedgerLines, type LedgerLine } from './ledger.js'
import { readManifest, writeManifest } from './manifest.js'
import { writeTables, type TablesWritten } from './parquet.js'

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
  const written = writeTables(latest, folder)
  writeManifest(folder, {
    version: 1, complete: true, shard: null, listDigest: first.listDigest, totalRecordings: first.totalRecordings, shardRecordings: totals.shardRecordings,
    ok: written.ok, failed: written.failed, units: written.units, skipped: totals.skipped, sources: first.sources,
  })
  return { folder, shards: count, ...written }
}

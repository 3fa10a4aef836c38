import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Shard } from './shard.js'

export const MANIFEST_FILE = 'scan.json'

/** `<folder>/scan.json`: what a scan (or one shard of it) covers, and whether it finished. */
export interface Manifest {
  version: 1
  /** True once both Parquet files are written. */
  complete: boolean
  shard: Shard | null
  /** Digest of the full sorted source list (all shards): shards of one scan must agree. */
  listDigest: string
  /** Recordings of the full list, and of this shard. */
  totalRecordings: number
  shardRecordings: number
  ok?: number
  failed?: number
  units?: number
  /** Files the walk skipped (nothing could read them). */
  skipped: number
  sources: string[]
}

export function readManifest(folder: string): Manifest | undefined {
  const path = join(folder, MANIFEST_FILE)
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest
  } catch {
    return undefined
  }
}

/** Written under a temporary name and renamed, so a reader never sees half a manifest. */
export function writeManifest(folder: string, manifest: Manifest): void {
  const path = join(folder, MANIFEST_FILE)
  const temp = `${path}.partial-${process.pid}`
  writeFileSync(temp, JSON.stringify(manifest, null, 2) + '\n')
  renameSync(temp, path)
}

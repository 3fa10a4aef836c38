import { createHash } from 'node:crypto'
import { InvalidArgumentError } from '@spikes/core'
import type { ScanItem } from './items.js'

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/** The folder of a shard inside the output folder: `shards/<index>-of-<count>`. */
export function shardFolderName(shard: Shard): string {
  return `${shard.index}-of-${shard.count}`
}

/** Parses `I/N` (0-based: `0/3`, `1/3`, `2/3`). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!m) throw new InvalidArgumentError('--shard', text, 'I/N with 0 <= I < N, e.g. 0/3')
  return checkShard(Number(m[1]), Number(m[2]), '--shard')
}

/**
 * The shard of this task from an explicit `--shard`, else from the array-job environment:
 * SLURM_ARRAY_TASK_ID + SLURM_ARRAY_TASK_COUNT (Slurm), JOB_COMPLETION_INDEX + `shards` (Kubernetes Indexed Jobs),
 * AWS_BATCH_JOB_ARRAY_INDEX + AWS_BATCH_JOB_ARRAY_SIZE (AWS Batch). `shards` (--shards N) overrides the count the
 * engine reports. Undefined when none applies: the scan is not sharded.
 */
export function shardFromEnvironment(env: Record<string, string | undefined>, explicit?: Shard, shards?: number): Shard | undefined {
  if (explicit) return explicit
  const pairs: [string, string, string | undefined][] = [
    ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT],
    ['JOB_COMPLETION_INDEX', '--shards', undefined],
    ['AWS_BATCH_JOB_ARRAY_INDEX', 'AWS_BATCH_JOB_ARRAY_SIZE', env.AWS_BATCH_JOB_ARRAY_SIZE],
  ]
  for (const [indexVar, countName, countText] of pairs) {
    const indexText = env[indexVar]
    if (indexText === undefined || indexText === '') continue
    const count = shards ?? (countText === undefined ? undefined : Number(countText))
    if (count === undefined) throw new InvalidArgumentError('--shards', 'nothing', `the number of shards: ${indexVar} is set but ${countName} is not`)
    if (!/^\d+$/.test(indexText.trim())) throw new InvalidArgumentError(indexVar, indexText, 'a whole number')
    return checkShard(Number(indexText), count, indexVar)
  }
  return undefined
}

function checkShard(index: number, count: number, what: string): Shard {
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new InvalidArgumentError(`${what} (shard count)`, count, 'a whole number of shards from 1 to 100000')
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidArgumentError(`${what} (shard index)`, index, `a 0-based index below the shard count ${count}`)
  return { index, count }
}

/**
 * The items of one shard, deterministically: with every size known, sizes are balanced (largest first to the
 * lightest shard, ties to the lower index); otherwise unknown sizes count as the mean known size (1 when none is known).
 * Each returned list keeps the sorted source order.
 */
export function assignShards(items: readonly ScanItem[], count: number): ScanItem[][] {
  const known = items.filter((i) => typeof i.size === 'number' && Number.isFinite(i.size) && i.size >= 0)
  const fallback = known.length ? known.reduce((s, i) => s + i.size!, 0) / known.length : 1
  const weight = (i: ScanItem) => (typeof i.size === 'number' && Number.isFinite(i.size) && i.size >= 0 ? i.size : fallback)
  const order = items.map((item, position) => ({ item, position })).sort((a, b) => weight(b.item) - weight(a.item) || a.position - b.position)
  const loads = new Array<number>(count).fill(0)
  const chosen = new Array<number>(items.length)
  for (const { item, position } of order) {
    let best = 0
    for (let s = 1; s < count; s++) if (loads[s] < loads[best]) best = s
    loads[best] += weight(item)
    chosen[position] = best
  }
  const shards: ScanItem[][] = Array.from({ length: count }, () => [])
  items.forEach((item, position) => shards[chosen[position]].push(item))
  return shards
}

/** A digest of the full, sorted source list: shards of one scan must agree on it. */
export function listDigest(items: readonly ScanItem[]): string {
  const h = createHash('sha256')
  for (const item of items) h.update(`${item.source}\u0000${item.format ?? ''}\n`)
  return h.digest('hex').slice(0, 16)
}

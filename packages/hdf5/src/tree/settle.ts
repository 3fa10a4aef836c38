import type { BlockCache } from './block-cache.js'
import { LayoutUnreadable } from '../layout/raw-file.js'
import { NeedBytes } from './signals.js'

/** Rounds of fetching one parse may need: a chain of continuations, B-tree levels and heaps is far shorter. */
const MAX_ROUNDS = 200

/**
 * Runs the synchronous parses `tasks` over the cache, all of them: after each round, the blocks that every
 * failed parse missed are fetched together (one round trip) and those parses run again. Round trips thus scale
 * with the depth of the structures, not with how many objects are read.
 */
export async function settleAll<T>(cache: BlockCache, tasks: readonly (() => T)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length)
  let pending = tasks.map((_, i) => i)
  for (let round = 0; pending.length; round++) {
    const missing: number[] = []
    const again: number[] = []
    for (const i of pending) {
      try {
        results[i] = tasks[i]()
      } catch (error) {
        if (!(error instanceof NeedBytes)) throw error
        if (round >= MAX_ROUNDS) throw new LayoutUnreadable('the metadata needs too many rounds of reads')
        missing.push(...error.blocks)
        again.push(i)
      }
    }
    if (again.length) await cache.fetch(missing)
    pending = again
  }
  return results
}

/** One parse run to completion (settleAll of one). */
export async function settle<T>(cache: BlockCache, task: () => T): Promise<T> {
  return (await settleAll(cache, [task]))[0]
}

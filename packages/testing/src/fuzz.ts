// The fuzz loop every format's fuzz.test.ts runs: corrupt the input, load it, and require a value or a
// SpikesError (never another exception), within a time limit per load.
import { isSpikesError } from '@spikes/core'
import { expect } from 'vitest'
import { mutations } from './mutate.js'

/** How a load of a corrupted input ended: it returned, or it threw a SpikesError. */
export type FuzzOutcome = 'value' | 'error'

/** How many loads ended each way. */
export type FuzzCounts = Record<FuzzOutcome, number>

/** What every fuzz loop takes: a time limit per load (default 2,000 ms). */
export interface FuzzLimits {
  maxMs?: number
}

const DEFAULT_MAX_MS = 2000

/**
 * Runs one load of a corrupted input: 'value' when it returns, 'error' when it throws a SpikesError.
 * Anything else thrown fails with `label` and the stack (plus `dump()`, e.g. the bytes in base64, to
 * replay it); so does a load slower than `maxMs`.
 */
export async function fuzzOnce(label: string, load: () => unknown, options: FuzzLimits & { dump?: () => string } = {}): Promise<FuzzOutcome> {
  const t0 = performance.now()
  let outcome: FuzzOutcome = 'value'
  try {
    await load()
  } catch (error) {
    if (!isSpikesError(error)) {
      const replay = options.dump ? `\n${options.dump()}` : ''
      throw new Error(`${label} threw a non-SpikesError: ${(error as Error)?.stack ?? error}${replay}`)
    }
    outcome = 'error'
  }
  expect(performance.now() - t0, `${label} took too long`).toBeLessThan(options.maxMs ?? DEFAULT_MAX_MS)
  return outcome
}

/** `count` mutations (see {@link mutations}, seeded with `seed`) of one file's bytes, each loaded by `load`. */
export async function fuzzFile(name: string, bytes: Uint8Array, load: (bytes: Uint8Array) => unknown, options: FuzzLimits & { count: number; seed: number }): Promise<FuzzCounts> {
  const counts: FuzzCounts = { value: 0, error: 0 }
  for (const m of mutations(bytes, options.count, options.seed)) {
    counts[await fuzzOnce(`${m.kind} mutation of ${name}`, () => load(m.bytes), options)]++
  }
  return counts
}

/** A seed folder for {@link fuzzFolders}: relative path to content (text is UTF-8 encoded before mutating). */
export type FuzzFolder = Record<string, Uint8Array | string>

/** Which load of {@link fuzzFolders} this is: the seed, the file mutated, and whether to force the format. */
export interface FuzzFolderLoad {
  seed: string
  path: string
  /** True for every other load: the test names its format; false: the registry must detect it. */
  forced: boolean
}

export interface FuzzFolderOptions extends FuzzLimits {
  /** Mutations per file. */
  count: (seed: string, path: string) => number
  /** Files to leave intact (still part of every load). */
  skip?: (path: string) => boolean
}

/**
 * Mutates each file of each seed folder in turn, the others kept as they are, and loads the folder with
 * `load(files, which)`; every other load forces the format. Each file's mutations have a seed of their own.
 */
export async function fuzzFolders(seeds: Record<string, FuzzFolder>, load: (files: FuzzFolder, which: FuzzFolderLoad) => unknown, options: FuzzFolderOptions): Promise<FuzzCounts> {
  const counts: FuzzCounts = { value: 0, error: 0 }
  let i = 0
  for (const [seed, files] of Object.entries(seeds)) {
    for (const [path, content] of Object.entries(files)) {
      if (options.skip?.(path)) continue
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
      for (const m of mutations(bytes, options.count(seed, path), ++i)) {
        const which = { seed, path, forced: i++ % 2 === 1 }
        counts[await fuzzOnce(`${seed}/${path} (${m.kind})`, () => load({ ...files, [path]: m.bytes }, which), options)]++
      }
    }
  }
  return counts
}

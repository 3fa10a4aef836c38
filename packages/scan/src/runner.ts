import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'

/** Where a worker process runs its loads (ScanOptions.loadIn). */
export type LoadIn = 'threads' | 'loop'

/**
 * 'auto' (the default): 'loop' when the installed @spikes/hdf5 has the asynchronous HDF5 tree reader (openTree),
 * through which the NWB loader reads without blocking; else 'threads', as h5wasm's in-place reads block.
 */
export async function resolveLoadIn(loadIn: LoadIn | 'auto'): Promise<LoadIn> {
  if (loadIn !== 'auto') return loadIn
  try {
    const hdf5 = (await import('@spikes/hdf5' as string)) as { openTree?: unknown }
    return typeof hdf5.openTree === 'function' ? 'loop' : 'threads'
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    return 'threads'
  }
}

/** One recording handed to a worker by the pool. */
export interface LoadJob {
  id: number
  item: ScanItem
}

/** How a worker process runs its loads: in load threads, or on its own event loop. */
export interface Runner {
  /** Starts (or queues) a load; its entry is reported through the runner's callback. */
  load(job: LoadJob): void
  /** Loads in flight now, the most at once so far, and the most load threads alive at once so far. */
  counts(): { active: number; peakActive: number; peakThreads: number }
}

/** What a runner calls as each load finishes (never with an exception: a failure is an error row). */
export type Report = (id: number, entry: LedgerEntry) => void

/** What a runner needs to start: the setup module, the formats the worker will load, and its load cap. */
export interface RunnerOptions {
  setup: string | undefined
  /** Format ids every item of the scan names (undefined when some need detection): the plugins to import. */
  formats: readonly string[] | undefined
  concurrency: number
  /** HTTP requests this worker process has open at once to one host (null: no remote input, no cap set). */
  maxRequests: number | null
}

/**
 * The item as a worker loading on its event loop should load it: a DANDI asset is read through the dandi
 * loader's asynchronous Range source (asyncReads), unless its options say otherwise; other items unchanged.
 */
export function forLoop(item: ScanItem): ScanItem {
  if (item.format !== 'dandi' || item.options?.asyncReads !== undefined) return item
  return { ...item, options: { ...item.options, asyncReads: true } }
}

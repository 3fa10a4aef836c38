// The main thread's side of readFirings' helper thread (firings-thread.ts): starts it, hands it the second
// pass's layout, and waits for what it counted and scattered. Node only: node:worker_threads and node:os
// come through nodeImport, so a browser bundle of this package still builds.
import { InvalidSourceError, throwIfAborted } from '@spikes/core'
import { nodeImport } from '@spikes/core/loader-utils'
import { ChunkClaims, MAX_SHARED_CHUNKS } from './chunk-claims.js'
import type { CountSnapshot } from './label-table.js'
import { faultError } from './event-checks.js'
import type { EventFault } from './event-faults.js'

/**
 * The thread's entry and, when run from TypeScript sources (tests), the workspace's module hooks it needs
 * to import them. Made from variables, not `new URL('literal', import.meta.url)`, which bundlers would
 * copy into a browser build.
 */
function threadFiles(): { entry: URL; execArgv: string[] | undefined } {
  const here = import.meta.url
  const dev = here.endsWith('.ts')
  const entry = dev ? './firings-thread.ts' : './firings-thread.js'
  const hooks = '../../../../tools/ts-run/register.mjs'
  return { entry: new URL(entry, here), execArgv: dev ? ['--import', new URL(hooks, here).href] : undefined }
}

/** What the helper thread is started with (workerData). */
export interface HelperInit {
  path: string
  size: number
  file: string
  rows: number
  events: number
  typeCode: number
  bytesPerValue: number
  dataOffset: number
  perChunk: number
  chunks: number
  /** Bytes it reads at a time (a chunk in several blocks). */
  blockBytes: number
  fsHz: number
  state: SharedArrayBuffer
  /** Whether it counts too (not when the file has metric rows: their sums must not depend on who added what). */
  count: boolean
}

/** The second pass's layout: slot i is `labels[i]`, its train `times[lower[i] .. upper[i])`. */
export interface ScatterJob {
  labels: number[]
  lower: Float64Array
  upper: Float64Array
  times: Float64Array
}

/** Where the helper stopped in each train (its first written place), and each train's earliest time it wrote. */
export interface ScatterResult {
  cursor: Float64Array
  earliest: Float64Array
  sorted: boolean
}

export type FromHelper =
  | { type: 'counted'; table: CountSnapshot }
  | ({ type: 'scattered' } & ScatterResult)
  | ({ type: 'fault' } & Pick<EventFault, 'kind' | 'event' | 'values'>)
  | { type: 'failed'; message: string }

export interface Helper {
  readonly claims: ChunkClaims
  counted(): Promise<CountSnapshot>
  scatter(job: ScatterJob): void
  scattered(): Promise<ScatterResult>
  stop(): void
}

/**
 * A helper thread for a local file of `chunks` chunks, or undefined where one cannot help: not Node, one
 * core, a file without a local path, or too many chunks to count in the claims' 16 bits. Waiting for it
 * ends with AbortedError when `signal` fires.
 */
export async function startHelper(init: Omit<HelperInit, 'state' | 'path'> & { path: string | undefined }, signal?: AbortSignal): Promise<Helper | undefined> {
  if (init.path === undefined || init.chunks < 2 || init.chunks > MAX_SHARED_CHUNKS || typeof process === 'undefined' || !process.versions?.node) return undefined
  const [{ Worker }, { availableParallelism }] = await Promise.all([
    nodeImport<typeof import('node:worker_threads')>('node:worker_threads'),
    nodeImport<typeof import('node:os')>('node:os'),
  ])
  if (availableParallelism() < 2) return undefined
  const state = new SharedArrayBuffer(16)
  const inbox: { counted?: CountSnapshot; scattered?: ScatterResult; failure?: Error } = {}
  let wake = () => {}
  const { entry, execArgv } = threadFiles()
  let worker: InstanceType<typeof Worker>
  try {
    worker = new Worker(entry, { workerData: { ...init, path: init.path, state } satisfies HelperInit, execArgv, stdout: false, stderr: false })
  } catch {
    return undefined // threads refused here (a flag, a policy): the main thread reads it all
  }
  // Not unref'd: while the main thread waits for it, the thread is what keeps the process alive (stop() ends it).
  worker.on('message', (message: FromHelper) => {
    if (message.type === 'fault') inbox.failure ??= faultError(message, init.file)
    else if (message.type === 'failed') inbox.failure ??= new InvalidSourceError(`${init.file}: the thread reading part of it failed: ${message.message}`, { file: init.file })
    else if (message.type === 'counted') inbox.counted = message.table
    else inbox.scattered = message
    wake()
  })
  const gone = (why: string) => {
    inbox.failure ??= new InvalidSourceError(`${init.file}: the thread reading part of it stopped (${why}).`, { file: init.file })
    wake()
  }
  worker.on('error', (error) => gone(error.message))
  const onAbort = () => wake()
  signal?.addEventListener('abort', onAbort, { once: true })
  worker.on('exit', (code) => gone(`exit code ${code}`))
  const wait = async <K extends 'counted' | 'scattered'>(key: K): Promise<NonNullable<(typeof inbox)[K]>> => {
    for (;;) {
      const value = inbox[key]
      if (value !== undefined) return value as NonNullable<(typeof inbox)[K]>
      if (inbox.failure) throw inbox.failure
      throwIfAborted(signal, `Reading ${init.file}`)
      await new Promise<void>((resolve) => (wake = resolve))
    }
  }
  return {
    claims: new ChunkClaims(init.chunks, new Int32Array(state)),
    counted: () => wait('counted'),
    scatter: (job) => worker.postMessage(job),
    scattered: () => wait('scattered'),
    stop() {
      signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
    },
  }
}

// Entry of a load thread (worker_threads) inside a scan worker process: one recording at a time. A worker runs
// several of these (thread-runner.ts) so that recordings read in place overlap their network waits (an in-place
// h5wasm read blocks its thread until its bytes arrive).
import { parentPort } from 'node:worker_threads'
import type { DependencyContainer } from '@spikes/core'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { loadOne } from './load-one.js'
import { loadSetup } from './setup.js'

export type ToThread = { type: 'init'; setup?: string; formats?: readonly string[] } | { type: 'load'; id: number; item: ScanItem }
export type FromThread = { type: 'ready' } | { type: 'failed'; code: string; message: string } | { type: 'result'; id: number; entry: LedgerEntry }

let container: DependencyContainer | undefined
const port = parentPort!

port.on('message', (message: ToThread) => {
  void handle(message).catch((error) => {
    port.postMessage({ type: 'failed', code: (error as { code?: string })?.code ?? 'SPIKES_INTERNAL', message: (error as Error)?.message ?? String(error) } satisfies FromThread)
  })
})

async function handle(message: ToThread): Promise<void> {
  if (message.type === 'init') {
    container = await loadSetup(message.setup, message.formats)
    port.postMessage({ type: 'ready' } satisfies FromThread)
    return
  }
  if (!container) throw new Error('scan load thread: load before init')
  const entry = await loadOne(message.item, container)
  port.postMessage({ type: 'result', id: message.id, entry } satisfies FromThread)
}

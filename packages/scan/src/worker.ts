// Entry of a scan worker process (started by WorkerPool with child_process.fork). It loads one recording at a time,
// so its memory is bounded by the largest recording, never by the number of inputs.
import type { DependencyContainer } from '@spikes/core'
import type { ScanItem } from './items.js'
import { limitedFetch, loadOne } from './load-one.js'
import { loadSetup } from './setup.js'

/** Messages from the pool to a worker. */
export type ToWorker = { type: 'init'; setup?: string; maxRequests: number } | { type: 'load'; id: number; item: ScanItem }
/** Messages from a worker to the pool. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; code: string; message: string }
  | { type: 'result'; id: number; entry: import('./ledger.js').LedgerEntry; rss: number; maxRss: number }

let container: DependencyContainer | undefined
let fetchImpl: typeof fetch = fetch
const send = (message: FromWorker) => process.send!(message)

process.on('message', (message: ToWorker) => {
  void handle(message).catch((error) => {
    send({ type: 'failed', code: (error as { code?: string })?.code ?? 'SPIKES_INTERNAL', message: (error as Error)?.message ?? String(error) })
  })
})
process.on('disconnect', () => process.exit(0))

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    container = await loadSetup(message.setup)
    fetchImpl = limitedFetch(message.maxRequests)
    send({ type: 'ready' })
    return
  }
  if (!container) throw new Error('scan worker: load before init')
  const entry = await loadOne(message.item, container, fetchImpl)
  // maxRSS is in KiB; rss in bytes.
  send({ type: 'result', id: message.id, entry, rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 })
}

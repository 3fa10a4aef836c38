import { isSpikesError, loadSpikeData, type DependencyContainer } from '@spikes/core'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { errorRow, summarize, type Transfer } from './summarize.js'

/**
 * Loads one recording and turns it into its ledger entry. Never throws: a failure is an error row with the
 * error's code (SPIKES_INTERNAL for anything that is not a SpikesError) and message.
 */
export async function loadOne(item: ScanItem, container: DependencyContainer, signal?: AbortSignal): Promise<LedgerEntry> {
  const started = performance.now()
  const seconds = () => Math.round(performance.now() - started) / 1000
  let format: string | null = item.format ?? null
  try {
    const data = await loadSpikeData(item.source, {
      container,
      format: item.format,
      options: item.options,
      signal,
      onSelect: (selection) => (format = selection.loader.id),
    })
    return summarize(item.source, data, transferOf(data.metadata), seconds())
  } catch (error) {
    const code = isSpikesError(error) ? error.code : 'SPIKES_INTERNAL'
    const message = error instanceof Error ? error.message : String(error)
    return { recording: errorRow(item.source, code, message, seconds(), format), units: [] }
  }
}

/** Network bytes and requests from the provenance (http(s)/s3 sources) or the dandi loader's transfer report. */
export function transferOf(metadata: Record<string, unknown>): Transfer {
  const provenance = (metadata.provenance ?? {}) as Record<string, unknown>
  const dandi = metadata.dandi_transfer as Record<string, unknown> | undefined
  if (dandi && typeof dandi.bytes_fetched === 'number') {
    const api = typeof dandi.api_requests === 'number' ? dandi.api_requests : 0
    return { bytes: dandi.bytes_fetched, requests: (typeof dandi.requests === 'number' ? dandi.requests : 0) + api }
  }
  if (typeof provenance.bytes_fetched === 'number') return { bytes: provenance.bytes_fetched, requests: typeof provenance.requests === 'number' ? provenance.requests : null }
  return { bytes: null, requests: null }
}

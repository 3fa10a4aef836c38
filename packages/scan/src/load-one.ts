import { isSpikesError, loadSpikeData, LoaderRegistry, resolveSource, type DependencyContainer, type Source } from '@spikes/core'
import type { ScanItem } from './items.js'
import type { LedgerEntry } from './ledger.js'
import { optionsFor } from './load-options.js'
import { errorRow, summarize, type Transfer } from './summarize.js'

/**
 * Loads one recording and turns it into its ledger entry. Never throws: a failure is an error row with the
 * error's code (SPIKES_INTERNAL for anything that is not a SpikesError) and message.
 */
export async function loadOne(item: ScanItem, container: DependencyContainer, signal?: AbortSignal): Promise<LedgerEntry> {
  const started = performance.now()
  const seconds = () => Math.round(performance.now() - started) / 1000
  let format: string | null = item.format ?? null
  let source: Source | undefined
  try {
    let options = item.options
    if (options && !item.format) {
      // Options given for the whole survey: this recording gets those of the loader that reads it.
      source = await resolveSource(item.source, container, undefined, signal)
      const { loader } = await container.resolve(LoaderRegistry).select(source)
      format = loader.id
      options = optionsFor(loader, options)
    }
    const data = await loadSpikeData(source ?? item.source, {
      container,
      format: format ?? undefined,
      options,
      signal,
      onSelect: (selection) => (format = selection.loader.id),
    })
    return summarize(item.source, data, transferOf(data.metadata), seconds())
  } catch (error) {
    const code = isSpikesError(error) ? error.code : 'SPIKES_INTERNAL'
    const message = error instanceof Error ? error.message : String(error)
    return { recording: errorRow(item.source, code, message, seconds(), format), units: [] }
  } finally {
    if (source && source.type !== 'remote') await source.close().catch(() => {})
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

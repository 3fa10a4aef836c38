import { WarningCollector, type Progress, type SpikeData, type SpikesWarning } from '@spikes/core'
import { dandiLoader } from './dandi-loader.js'
import type { DandiOptions } from './options.js'

/** Options of {@link loadSpikeDataFromDandi}: the `dandi` loader's options plus the call's callbacks. */
export interface LoadFromDandiOptions extends DandiOptions {
  signal?: AbortSignal
  /** Progress phases 'resolve', 'fetch' (Range reads) or 'download', then the nwb loader's own. */
  onProgress?: (progress: Progress) => void
  /** Called as each warning is raised; the warnings are also in the result's `warnings`. */
  onWarning?: (warning: SpikesWarning) => void
  /**
   * fetch implementation for the API requests and whole-file downloads (default the global fetch). Range
   * reads of the NWB file go through `@spikes/hdf5`'s own HTTP client and do not use it.
   */
  fetch?: typeof fetch
}

/**
 * SpikeLab's load_spikedata_from_dandi: `assetIdOrUrl` is a DANDI asset id, an asset URL
 * (https://api.dandiarchive.org/api/assets/<id>/download/) or a dandi:// reference. By default only the
 * bytes of the Units table, the electrodes and the metadata travel (HTTP Range); `download: true` streams
 * the whole file (resumed, verified). metadata.dandi_transfer reports the requests and bytes.
 */
export async function loadSpikeDataFromDandi(assetIdOrUrl: string, options: LoadFromDandiOptions = {}): Promise<SpikeData> {
  const { signal, onProgress, onWarning, fetch, ...rest } = options ?? {}
  const checked = dandiLoader.parseOptions(rest)
  const { loadDandi } = await import('./lib/load-dandi.js')
  const collector = new WarningCollector(onWarning)
  const data = await loadDandi(assetIdOrUrl, checked, { warn: collector.warn, progress: (p) => onProgress?.(p), signal, fetch })
  const extra = collector.warnings.filter((w) => !data.warnings.includes(w))
  return extra.length ? data.with({ warnings: [...data.warnings, ...extra] }) : data
}

import { NO_MATCH } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { dandiOptions, resolveDandiOptions } from './options.js'

/** Version of {@link dandiLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const DANDI_LOADER_VERSION = '0.1.0'

/**
 * DANDI Archive NWB assets: `dandi://<dandiset>/<version>/<path>` (also `dandi://assets/<asset-id>` and
 * SpikeLab's `dandi://dandiarchive.org/...` references). The Units table is read remotely with Range
 * requests; `download: true` fetches the whole file. Asset ids and https URLs: loadSpikeDataFromDandi.
 */
export const dandiLoader = defineLoader({
  id: 'dandi',
  name: 'DANDI Archive NWB asset',
  version: DANDI_LOADER_VERSION,
  packageName: '@spikes/format-dandi',
  input: 'remote',
  schemes: ['dandi'],
  options: dandiOptions,
  resolve: resolveDandiOptions,
  // Web-app links and API asset URLs arrive with the dandi scheme too (dandiWebLinkResolver).
  detect: (probe) => (probe.kind === 'remote' && probe.scheme === 'dandi' ? { confidence: 100, reason: /^dandi:/i.test(probe.url) ? 'dandi:// URL' : 'DANDI web or API link' } : NO_MATCH),
  load: async () => {
    const { loadDandi } = await import('./lib/load-dandi.js')
    return (source, options, context) => loadDandi(source.url, options, context)
  },
})

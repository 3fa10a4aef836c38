import { LOADER_API_VERSION, NO_MATCH, UnsupportedError, type SpikeLoader } from '@spikes/core'
import type { DandiOptions } from './options.js'

/** Version of {@link dandiLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const DANDI_LOADER_VERSION = '0.1.0'

/**
 * DANDI Archive NWB assets: `dandi://<dandiset>/<version>/<path>` (also `dandi://assets/<asset-id>` and
 * SpikeLab's `dandi://dandiarchive.org/...` references). The Units table is read remotely with Range
 * requests; `download: true` fetches the whole file.
 */
export const dandiLoader: SpikeLoader<DandiOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: 'dandi',
  name: 'DANDI Archive NWB asset',
  version: DANDI_LOADER_VERSION,
  packageName: '@spikes/format-dandi',
  input: 'remote',
  extensions: [],
  schemes: ['dandi'],
  detect(probe) {
    if (probe.kind === 'remote' && probe.scheme === 'dandi') return { confidence: 100, reason: 'dandi:// URL' }
    return NO_MATCH
  },
  async checkOptions(options) {
    const { checkDandiOptions } = await import('./options.js')
    checkDandiOptions(options)
  },
  async load(source, options, context) {
    const { checkDandiOptions } = await import('./options.js')
    const checked = checkDandiOptions(options)
    if (source.type !== 'remote') throw new UnsupportedError('dandi-source', `The dandi loader reads dandi:// references, not a ${source.type}. Use loadSpikeDataFromDandi for asset ids and URLs.`, { source: source.type })
    const { loadDandi } = await import('./lib/load-dandi.js')
    return loadDandi(source.url, checked, context)
  },
}

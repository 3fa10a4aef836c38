import type { Match, Probe, RemoteSource } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { iblOptions, resolveIblOptions } from './options.js'

/** Version of {@link iblLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const IBL_LOADER_VERSION = '0.1.0'

/** A RemoteSource for one IBL probe: `ibl://<eid>/<pid>` (what `loadSpikeData('ibl://...')` builds itself). */
export function iblSource(eid: string, pid: string): RemoteSource {
  const url = `ibl://${eid}/${pid}`
  return { type: 'remote', name: url, url, scheme: 'ibl' }
}

/** One probe of an IBL session through Alyx and the public file server (ONE-style cache, offline reuse). */
export const iblLoader = defineLoader({
  id: 'ibl',
  name: 'International Brain Laboratory probe (Alyx + ONE cache)',
  version: IBL_LOADER_VERSION,
  packageName: '@spikes/format-ibl',
  input: 'remote',
  schemes: ['ibl'],
  options: iblOptions,
  resolve: resolveIblOptions,
  detect: (probe: Probe): Match => (probe.kind === 'remote' && probe.scheme === 'ibl' ? { confidence: 100, reason: 'ibl:// URL' } : { confidence: 0, reason: 'not an ibl:// URL' }),
  load: async () => {
    const [{ probeOf }, { loadIbl }] = await Promise.all([import('./ibl/probe-of.js'), import('./ibl/load-ibl.js')])
    return (source, options, context) => {
      const { eid, pid } = probeOf(source, options)
      return loadIbl(eid, pid, options, context)
    }
  },
})

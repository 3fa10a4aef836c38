import type { Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { kilosortOptions, resolveKilosortOptions } from './options.js'

/** Version of {@link kilosortLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const KILOSORT_LOADER_VERSION = '0.1.0'

/** KiloSort / Phy output folders: spike_times.npy grouped by spike_clusters.npy (or spike_templates.npy). */
export const kilosortLoader = defineLoader({
  id: 'kilosort',
  name: 'KiloSort / Phy folder',
  version: KILOSORT_LOADER_VERSION,
  packageName: '@spikes/format-kilosort',
  input: 'folder',
  options: kilosortOptions,
  resolve: resolveKilosortOptions,
  detect: detectKilosort,
  load: () => import('./lib/load-kilosort.js').then((m) => m.loadKilosort),
})

function detectKilosort(probe: Probe): Match {
  if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
  const files = new Set(probe.files)
  if (!files.has('spike_times.npy')) return { confidence: 0, reason: 'no spike_times.npy' }
  const params = files.has('params.py')
  const withParams = params ? ' and params.py' : ''
  if (files.has('spike_clusters.npy')) return { confidence: params ? 95 : 85, reason: `spike_times.npy with spike_clusters.npy${withParams}` }
  if (files.has('spike_templates.npy')) return { confidence: params ? 90 : 80, reason: `spike_times.npy with spike_templates.npy${withParams}` }
  return { confidence: params ? 30 : 15, reason: 'spike_times.npy without spike_clusters.npy or spike_templates.npy' }
}

import { InvalidArgumentError, LOADER_API_VERSION, throwIfAborted, type FolderSource, type LoadContext, type Match, type Probe, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { resolveKilosortOptions, type KilosortOptions } from './options.js'

/** Version of {@link kilosortLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const KILOSORT_LOADER_VERSION = '0.1.0'

/** KiloSort / Phy output folders: spike_times.npy grouped by spike_clusters.npy (or spike_templates.npy). */
export const kilosortLoader: SpikeLoader<KilosortOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: 'kilosort',
  name: 'KiloSort / Phy folder',
  version: KILOSORT_LOADER_VERSION,
  packageName: '@spikes/format-kilosort',
  input: 'folder',
  extensions: [],
  detect(probe: Probe): Match {
    if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
    const files = new Set(probe.files)
    if (!files.has('spike_times.npy')) return { confidence: 0, reason: 'no spike_times.npy' }
    const params = files.has('params.py')
    if (files.has('spike_clusters.npy')) return { confidence: params ? 95 : 85, reason: `spike_times.npy with spike_clusters.npy${params ? ' and params.py' : ''}` }
    if (files.has('spike_templates.npy')) return { confidence: params ? 90 : 80, reason: `spike_times.npy with spike_templates.npy${params ? ' and params.py' : ''}` }
    return { confidence: params ? 30 : 15, reason: 'spike_times.npy without spike_clusters.npy or spike_templates.npy' }
  },
  checkOptions(options: KilosortOptions): void {
    resolveKilosortOptions(options)
  },
  async load(source: Source, options: KilosortOptions, context: LoadContext): Promise<SpikeData> {
    const opts = resolveKilosortOptions(options)
    if (source.type !== 'folder') throw new InvalidArgumentError('source', source.type, 'a KiloSort / Phy output folder')
    throwIfAborted(context.signal, 'Loading KiloSort')
    const { loadKilosort } = await import('./lib/load-kilosort.js')
    return loadKilosort(source as FolderSource, opts, context)
  },
}

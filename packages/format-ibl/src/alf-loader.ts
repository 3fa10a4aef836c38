import type { Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { parseAlfName } from './lib/alf-name.js'
import { alfOptions } from './options.js'

/** Version of {@link alfLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const ALF_LOADER_VERSION = '0.1.0'

/** ALF folders (what ONE leaves in its cache, or any ALF export): spikes.times grouped by spikes.clusters. */
export const alfLoader = defineLoader({
  id: 'alf',
  name: 'ALF folder (IBL / ONE)',
  version: ALF_LOADER_VERSION,
  packageName: '@spikes/format-ibl',
  input: 'folder',
  options: alfOptions,
  detect: detectAlf,
  load: () => import('./lib/load-alf.js').then((m) => m.loadAlf),
})

function detectAlf(probe: Probe): Match {
  if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
  const attrs = spikesAttributes(probe.files)
  if (attrs.has('times') && attrs.has('clusters')) return { confidence: 90, reason: 'ALF spikes.times with spikes.clusters' }
  if (attrs.has('times')) return { confidence: 20, reason: 'ALF spikes.times without spikes.clusters' }
  if (probe.folders.includes('alf')) return { confidence: 30, reason: "an 'alf' collection folder (spikes may be in a collection below it)" }
  return { confidence: 0, reason: 'no ALF spikes object' }
}

/** Which spikes attributes a listing holds directly. */
function spikesAttributes(files: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const f of files) {
    const n = parseAlfName(f)
    if (n?.object === 'spikes' && !n.timescale) out.add(n.attribute)
  }
  return out
}

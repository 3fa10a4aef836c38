import type { FolderProbe, Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { mountainsortOptions } from './options.js'

/** Version of {@link mountainsortLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const MOUNTAINSORT_LOADER_VERSION = '0.1.0'

/** MountainSort / MountainLab output folders: firings.mda (or firings_true.mda) with params.json, geom.csv, *.mv. */
export const mountainsortLoader = defineLoader({
  id: 'mountainsort',
  name: 'MountainSort firings folder',
  version: MOUNTAINSORT_LOADER_VERSION,
  packageName: '@spikes/format-mountainsort',
  input: 'folder',
  options: mountainsortOptions,
  detect: detectMountainsort,
  load: () => import('./lib/load-mountainsort.js').then((m) => m.loadMountainsort),
})

/** See README "Detection rules": the firings file by name, stronger with a sampling-rate sidecar beside it. */
export function detectMountainsort(probe: Probe): Match {
  if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
  const firings = probe.files.includes('firings.mda') ? 'firings.mda' : probe.files.includes('firings_true.mda') ? 'firings_true.mda' : undefined
  if (!firings) return { confidence: 0, reason: 'no firings.mda or firings_true.mda' }
  const sidecar = sidecarOf(probe)
  if (sidecar) return { confidence: 90, reason: `${firings} with ${sidecar}` }
  return { confidence: 80, reason: `${firings} (no params.json or .mv file: pass fsHz)` }
}

function sidecarOf(probe: FolderProbe): string | undefined {
  if (probe.files.includes('params.json')) return 'params.json'
  return probe.files.find((f) => /\.mv2?$/i.test(f))
}

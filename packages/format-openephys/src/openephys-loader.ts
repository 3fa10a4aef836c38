import type { Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { openephysOptions } from './options.js'

/** Version of {@link openephysLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const OPENEPHYS_LOADER_VERSION = '0.1.0'

/** Open Ephys GUI recordings: the Binary format's spikes/ folders, or the legacy format's .spikes files. */
export const openephysLoader = defineLoader({
  id: 'openephys',
  name: 'Open Ephys GUI spikes',
  version: OPENEPHYS_LOADER_VERSION,
  packageName: '@spikes/format-openephys',
  input: 'folder',
  options: openephysOptions,
  detect: detectOpenephys,
  load: () => import('./lib/load-openephys.js').then((m) => m.loadOpenephys),
})

/** See README "Detection rules": structure.oebin with spikes/ (Binary), or .spikes files (legacy). */
export function detectOpenephys(probe: Probe): Match {
  if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
  const oebin = probe.files.includes('structure.oebin')
  if (oebin && probe.folders.includes('spikes')) return { confidence: 95, reason: 'structure.oebin with a spikes/ folder (Open Ephys Binary format)' }
  const legacy = probe.files.filter((f) => f.toLowerCase().endsWith('.spikes'))
  if (legacy.length > 0) {
    const with_ = ['structure.openephys', 'settings.xml'].find((f) => probe.files.includes(f))
    const what = `${legacy.length} .spikes file${legacy.length === 1 ? '' : 's'} (legacy Open Ephys format)`
    return with_ ? { confidence: 90, reason: `${what} with ${with_}` } : { confidence: 80, reason: what }
  }
  const experiment = probe.folders.find((f) => /^experiment\d+$/.test(f))
  if (experiment && probe.files.includes('settings.xml')) return { confidence: 60, reason: `Open Ephys Record Node folder (settings.xml, ${experiment}/): its Binary recording is read` }
  if (oebin) return { confidence: 30, reason: 'structure.oebin without a spikes/ folder: this recording holds no spikes' }
  return { confidence: 0, reason: 'no structure.oebin or .spikes files' }
}

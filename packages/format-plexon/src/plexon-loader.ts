import { NO_MATCH, type Match, type Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { plexonOptions } from './options.js'

/** Version of {@link plexonLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const PLEXON_LOADER_VERSION = '0.1.0'

/** The first 4 bytes of a .plx file ("PLEX"), read as a little-endian uint32. */
export const PLX_MAGIC = 0x58454c50
/** The first 4 bytes of a NeuroExplorer .nex file ("NEX1"), read as a little-endian uint32. */
export const NEX_MAGIC = 0x3158454e
/** The first 4 bytes of a NeuroExplorer .nex5 file ("NEX5"), read as a little-endian uint32. */
export const NEX5_MAGIC = 0x3558454e

/** Plexon .plx files and NeuroExplorer .nex / .nex5 files: one unit per sorted channel unit or neuron variable. */
export const plexonLoader = defineLoader({
  id: 'plexon',
  name: 'Plexon .plx / NeuroExplorer .nex, .nex5',
  version: PLEXON_LOADER_VERSION,
  packageName: '@spikes/format-plexon',
  input: 'file',
  extensions: ['plx', 'nex', 'nex5'],
  options: plexonOptions,
  detect: detectPlexon,
  load: () => import('./lib/load-plexon.js').then((m) => m.loadPlexon),
})

const KINDS: Record<number, { name: string; headerBytes: number; extension: string }> = {
  [PLX_MAGIC]: { name: 'Plexon .plx', headerBytes: 7504, extension: 'plx' },
  [NEX_MAGIC]: { name: 'NeuroExplorer NEX1', headerBytes: 544, extension: 'nex' },
  [NEX5_MAGIC]: { name: 'NeuroExplorer NEX5', headerBytes: 356, extension: 'nex5' },
}

/** See README "Detection rules": the 4-byte magic and a header of the full size; the extension alone is a weak guess. */
export function detectPlexon(probe: Probe): Match {
  if (probe.kind !== 'file') return NO_MATCH
  const head = probe.head
  if (head.length >= 4) {
    const magic = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0, true)
    const kind = KINDS[magic]
    if (kind) {
      if (probe.size >= kind.headerBytes) return { confidence: 95, reason: `starts with the ${kind.name} magic number and holds its ${kind.headerBytes}-byte header` }
      return { confidence: 30, reason: `starts with the ${kind.name} magic number, but is shorter than its ${kind.headerBytes}-byte header` }
    }
  }
  if (['plx', 'nex', 'nex5'].includes(probe.extension)) return { confidence: 10, reason: `extension .${probe.extension}, but no Plexon or NeuroExplorer magic number` }
  return NO_MATCH
}

import { NO_MATCH, type Match, type Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { cellexplorerOptions } from './options.js'

/** Version of {@link cellexplorerLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const CELLEXPLORER_LOADER_VERSION = '0.1.0'

/** The variables CellExplorer (and buzcode) write: the struct of cell metrics, and the spikes struct. */
export const CELLEXPLORER_VARIABLES = ['cell_metrics', 'spikes'] as const

/** CellExplorer's *.cell_metrics.cellinfo.mat and *.spikes.cellinfo.mat, MAT Level 5 or v7.3. */
export const cellexplorerLoader = defineLoader({
  id: 'cellexplorer',
  name: 'CellExplorer cell_metrics / spikes .cellinfo.mat',
  version: CELLEXPLORER_LOADER_VERSION,
  packageName: '@spikes/format-cellexplorer',
  input: 'file',
  extensions: ['mat'],
  options: cellexplorerOptions,
  detect: detectCellexplorer,
  load: () => import('./lib/load-cellexplorer.js').then((m) => m.loadCellexplorer),
})

const NAME = /\.(cell_metrics|spikes)\.cellinfo\.mat$/i

/** 'MATLAB': how every MAT-file header starts (matHeaderKind's first check), read here so that other files never load the MAT reader. */
const MAT_TEXT = [0x4d, 0x41, 0x54, 0x4c, 0x41, 0x42]

function contains(head: Uint8Array, text: string): boolean {
  return indexOfBytes(head, new TextEncoder().encode(text)) >= 0
}

function indexOfBytes(head: Uint8Array, needle: Uint8Array): number {
  for (let i = head.indexOf(needle[0]); i >= 0 && i + needle.length <= head.length; i = head.indexOf(needle[0], i + 1)) {
    let k = 1
    while (k < needle.length && head[i + k] === needle[k]) k++
    if (k === needle.length) return i
  }
  return -1
}

/** See README "Detection rules": a MAT-file header, then the file name or the first variable's name. */
export async function detectCellexplorer(probe: Probe): Promise<Match> {
  if (probe.kind !== 'file' || MAT_TEXT.some((byte, i) => probe.head[i] !== byte)) return NO_MATCH
  const { matHeaderKind, peekMatVariableName } = await import('@spikes/matlab')
  const kind = matHeaderKind(probe.head)
  if (!kind) return NO_MATCH
  const version = kind.kind === 'v5' ? 'Level 5' : 'v7.3'
  const named = NAME.exec(probe.name)
  if (named) return { confidence: 95, reason: `MAT-file (${version}) named *.${named[1]}.cellinfo.mat` }
  const first = kind.kind === 'v5' ? peekMatVariableName(probe.head) : undefined
  if (first === 'cell_metrics') return { confidence: 85, reason: `MAT-file (${version}) whose first variable is cell_metrics` }
  if (first === 'spikes') return { confidence: 60, reason: `MAT-file (${version}) whose first variable is spikes (buzcode / CellExplorer layout)` }
  if (kind.kind === 'v7.3' && contains(probe.head, 'cell_metrics')) return { confidence: 80, reason: 'MAT-file (v7.3) holding a cell_metrics variable' }
  return { confidence: 5, reason: `MAT-file (${version}) without a CellExplorer name or variable` }
}

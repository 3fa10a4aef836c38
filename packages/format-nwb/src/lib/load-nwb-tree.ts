import { UnsupportedError, type ByteSource, type LoadContext, type SpikeData } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'
import { isFallbackSignal, openTree, type Hdf5TreeFile } from '@spikes/hdf5/tree'
import type { Checked } from './load-nwb.js'

/** Subtrees that never hold units or file metadata (cached schemas, stimuli): not walked. */
const SKIP = ['/specifications', '/stimulus']
/** Subtrees of raw data: their headers are walked (shapes, rates), only scalars read ahead. */
const RAW = ['/acquisition']

type ReadNwb = (file: Hdf5File, source: ByteSource, options: Checked, context: LoadContext) => Promise<SpikeData>

/**
 * Reads the NWB file with the pure-TypeScript HDF5 tree reader (@spikes/hdf5 tree/): the metadata walked
 * asynchronously, Units tables read ahead, spike times read in parallel chunks, and h5wasm never loaded.
 * Resolves to null when the file uses something the tree reader does not decode (the caller then reads it
 * with h5wasm); warnings are held back until the tree's reading is known to stand.
 */
export async function loadNwbWithTree(source: ByteSource, options: Checked, context: LoadContext, readNwb: ReadNwb): Promise<SpikeData | null> {
  let tree: Hdf5TreeFile
  try {
    tree = await openTree(source, {
      skip: SKIP,
      raw: RAW,
      readAheadGroup: (path, attrs) => attrs.neurodata_type === 'Units' || path === '/units',
      lazy: (path) => /spike_times$/.test(path),
      signal: context.signal,
    })
  } catch (error) {
    if (isFallbackSignal(error)) return refuse(options, source, (error as Error).message)
    throw error
  }
  const warnings: Parameters<LoadContext['warn']>[] = []
  const held: LoadContext = { ...context, warn: (...args) => void warnings.push(args), progress: (p) => context.progress(p) }
  let data: SpikeData
  try {
    data = await readNwb(tree as unknown as Hdf5File, source, options, held)
  } catch (error) {
    if (isFallbackSignal(error) || tree.fallbackReason) return refuse(options, source, tree.fallbackReason ?? (error as Error).message)
    throw error
  }
  if (tree.fallbackReason) return refuse(options, source, tree.fallbackReason)
  for (const w of warnings) context.warn(...w)
  return data.with({ metadata: { ...data.metadata, hdf5_reader: 'tree' } })
}

function refuse(options: Checked, source: ByteSource, reason: string): null {
  if (options.hdf5Reader === 'tree') {
    throw new UnsupportedError('nwb-hdf5-tree', `${source.name}: the pure-TypeScript HDF5 reader cannot read this file (${reason}). Leave hdf5Reader at 'auto' to read it with h5wasm.`, { file: source.name, reason })
  }
  return null
}

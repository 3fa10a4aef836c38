import type { FolderSource, LoadContext, SpikeData } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'
import { readNwb, type Checked } from './load-nwb.js'
import { ZarrTreeFile } from './zarr-tree.js'

/** Bytes of array data an NWB-Zarr load reads in all (the Units table, /general, root datasets): 1 GiB. */
const MAX_ZARR_BYTES = 1024 * 1024 * 1024

/** An NWB file stored as Zarr (hdmf-zarr's layout) in a local, web or S3 folder. */
export async function loadNwbZarr(folder: FolderSource, options: Checked, context: LoadContext): Promise<SpikeData> {
  const tree = await ZarrTreeFile.open(folder, { signal: context.signal, maxBytes: MAX_ZARR_BYTES })
  // ZarrTreeFile answers the synchronous subset of Hdf5File that readNwb uses (kind, list, attr, dataset, references).
  const data = await readNwb(tree as unknown as Hdf5File, folder, options, context)
  return data.with({ metadata: { ...data.metadata, nwb_storage: 'zarr' } })
}

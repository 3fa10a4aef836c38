import { isSpikesError, type FolderSource, type LoadContext } from '@spikes/core'
import { CHANNEL_PROPERTIES, LOCATION_PROPERTIES } from '../../adapters/index.js'
import { readNpy } from '@spikes/numpy'

const MAX_PROPERTY_BYTES = 64 * 1024 * 1024

/**
 * Reads the first present property of each list from `<prefix>properties/<name>.npy` (SpikeInterface's
 * save_metadata_to_folder layout): one row per unit, rows of a 2-D array become lists. A property that
 * cannot be read, or whose length is not the number of units, is skipped with SPIKES_WARN_PROPERTY.
 */
export async function readProperties(folder: FolderSource, prefix: string, nUnits: number, context: LoadContext): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>()
  for (const names of [CHANNEL_PROPERTIES, LOCATION_PROPERTIES]) {
    for (const name of names) {
      const file = `${prefix}properties/${name}.npy`
      if (!(await folder.exists(file))) continue
      const rows = await readRows(folder, file, nUnits, context)
      if (rows) {
        out.set(name, rows)
        break
      }
    }
  }
  return out
}

async function readRows(folder: FolderSource, file: string, nUnits: number, context: LoadContext): Promise<unknown[] | undefined> {
  const source = await folder.open(file)
  try {
    const array = await readNpy(source, { maxBytes: MAX_PROPERTY_BYTES, signal: context.signal })
    const shape = array.shape
    if (shape.length === 0 || shape[0] !== nUnits) {
      context.warn('SPIKES_WARN_PROPERTY', `${file} has shape (${shape.join(', ')}), not one row per unit (${nUnits}); it is ignored.`, { file, shape: [...shape], units: nUnits })
      return undefined
    }
    const data = Array.from(array.data as ArrayLike<unknown>)
    if (shape.length === 1) return data
    const width = data.length / nUnits
    return Array.from({ length: nUnits }, (_, i) => data.slice(i * width, (i + 1) * width))
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_PROPERTY', `${file} could not be read (${error.message}); it is ignored.`, { file, code: error.code })
    return undefined
  } finally {
    await source.close()
  }
}

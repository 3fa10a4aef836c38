import { isSpikesError, type FolderSource, type LoadContext } from '@spikes/core'
import { CHANNEL_PROPERTIES, LOCATION_PROPERTIES } from '../../adapters/index.js'
import { readNpy } from '@spikes/numpy'

const MAX_PROPERTY_BYTES = 64 * 1024 * 1024

/**
 * Every property of a sorting: `<prefix>properties/<name>.npy` (SpikeInterface's save_metadata_to_folder
 * layout) by name as SpikeInterface spells it; one row per unit, rows of a 2-D array become lists. A
 * property that cannot be read, or whose length is not the number of units, is skipped with SPIKES_WARN_PROPERTY.
 */
export async function readProperties(folder: FolderSource, prefix: string, nUnits: number, context: LoadContext): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>()
  const dir = `${prefix}properties`
  const parent = await folder.list(prefix.replace(/\/$/, '')).catch(() => [])
  if (!parent.some((e) => e.name === 'properties' && e.kind !== 'file')) return out
  const names = (await folder.list(dir)).filter((e) => e.kind === 'file' && e.name.endsWith('.npy')).map((e) => e.name.slice(0, -4))
  for (const name of orderProperties(names)) {
    const file = `${dir}/${name}.npy`
    const rows = await readRows(folder, file, nUnits, context)
    if (rows) out.set(name, rows)
  }
  return out
}

/** The channel and location properties first, in SpikeInterface's order of preference, then the rest by name. */
export function orderProperties(names: readonly string[]): string[] {
  const preferred = [...CHANNEL_PROPERTIES, ...LOCATION_PROPERTIES].filter((n) => names.includes(n))
  return [...preferred, ...[...names].filter((n) => !preferred.includes(n)).sort()]
}

/** One value per unit from an array of shape (nUnits, ...): rows of a 2-D or wider array become lists. Undefined when the shape does not fit. */
export function propertyRows(data: ArrayLike<unknown>, shape: readonly number[], nUnits: number): unknown[] | undefined {
  if (shape.length === 0 || shape[0] !== nUnits) return undefined
  const values = Array.from(data)
  if (shape.length === 1) return values.map(plain)
  const width = nUnits === 0 ? 0 : values.length / nUnits
  return Array.from({ length: nUnits }, (_, i) => values.slice(i * width, (i + 1) * width).map(plain))
}

/** numpy scalars as JSON-friendly values: bigint as number when exact (else text). */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  return v
}

async function readRows(folder: FolderSource, file: string, nUnits: number, context: LoadContext): Promise<unknown[] | undefined> {
  const source = await folder.open(file)
  try {
    const array = await readNpy(source, { maxBytes: MAX_PROPERTY_BYTES, signal: context.signal })
    const rows = propertyRows(array.data as ArrayLike<unknown>, array.shape, nUnits)
    if (!rows) context.warn('SPIKES_WARN_PROPERTY', `${file} has shape (${array.shape.join(', ')}), not one row per unit (${nUnits}); it is ignored.`, { file, shape: [...array.shape], units: nUnits })
    return rows
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_PROPERTY', `${file} could not be read (${error.message}); it is ignored.`, { file, code: error.code })
    return undefined
  } finally {
    await source.close()
  }
}

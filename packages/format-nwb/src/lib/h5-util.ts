import type { Hdf5AttrValue, Hdf5Dataset, Hdf5File } from '@spikes/hdf5'

/** An attribute as text ('' arrays of one string unwrapped; bytes decoded), or undefined. */
export function attrText(value: Hdf5AttrValue | undefined): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0]
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, '')
  return undefined
}

/** A list-of-strings attribute (colnames), whatever way it was stored. */
export function attrTextList(value: Hdf5AttrValue | undefined): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return (value as unknown[]).filter((v): v is string => typeof v === 'string').map((s) => s.trim())
  return []
}

export function safeAttr(file: Hdf5File, path: string, name: string): Hdf5AttrValue | undefined {
  try {
    return file.attr(path, name)
  } catch {
    return undefined
  }
}

export function neurodataType(file: Hdf5File, path: string): string | undefined {
  return attrText(safeAttr(file, path, 'neurodata_type'))
}

/** A text dataset (scalar or the first element of an array), trimmed; undefined when absent or not text. */
export function readTextDataset(file: Hdf5File, path: string): string | undefined {
  try {
    if (file.kind(path) !== 'dataset') return undefined
    const ds = file.dataset(path)
    if (ds.dtype.class !== 'string' || ds.size < 1) return undefined
    return ds.readStrings()[0]
  } catch {
    return undefined
  }
}

export function joinPath(group: string, name: string): string {
  return group === '/' ? `/${name}` : `${group}/${name}`
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** Whether a dataset's dtype is an enum of FALSE/TRUE (how h5py stores numpy bool). */
export function isBoolDataset(ds: Hdf5Dataset): boolean {
  const m = ds.dtype.enumMembers
  return ds.dtype.class === 'enum' && !!m && Object.keys(m).length === 2 && 'FALSE' in m && 'TRUE' in m
}

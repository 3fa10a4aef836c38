import { UnsupportedError } from '@spikes/core'
import type { FileContext } from './context.js'
import { guard } from './errors.js'
import type { Hdf5Reference } from './reference.js'

/**
 * An attribute value. Numeric arrays stay typed arrays (64-bit integers become Float64Array when exact);
 * one-element arrays (h5py writes many scalars that way) are unwrapped to the element.
 */
export type Hdf5AttrValue = number | string | boolean | bigint | string[] | number[] | Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Hdf5Reference | Hdf5Reference[] | unknown[] | null

const SAFE = 2 ** 53

/** Turns h5wasm output into plain values: bigint -> number when exact, Reference -> Hdf5Reference, [x] -> x. */
export function normalizeAttrValue(value: unknown, unwrap = true): Hdf5AttrValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value >= -SAFE && value <= SAFE ? Number(value) : value
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const fits = value.every((v: bigint) => v >= -SAFE && v <= SAFE)
    if (fits) {
      const out = Float64Array.from(value as unknown as ArrayLike<bigint>, (v) => Number(v))
      return unwrap && out.length === 1 ? out[0] : out
    }
    return unwrap && value.length === 1 ? (value[0] as bigint) : value
  }
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number>
    return unwrap && arr.length === 1 ? arr[0] : (value as Hdf5AttrValue)
  }
  if (typeof value === 'object' && value !== null && (value as { ref_data?: unknown }).ref_data instanceof Uint8Array) {
    const isRegion = (value as { constructor?: { name?: string } }).constructor?.name === 'RegionReference'
    return { kind: isRegion ? 'region' : 'object', bytes: new Uint8Array((value as { ref_data: Uint8Array }).ref_data) }
  }
  if (Array.isArray(value)) {
    const list = value.map((v) => normalizeAttrValue(v, false))
    return unwrap && list.length === 1 ? list[0] : (list as unknown[])
  }
  return value as Hdf5AttrValue
}

/** Every readable attribute of `path`. Attributes of types h5wasm cannot decode are left out (read them with attr() to see why). */
export function readAttributes(ctx: FileContext, path: string): Record<string, Hdf5AttrValue> {
  ctx.check()
  const names = guard(`Listing the attributes of ${path}`, ctx.name, () => ctx.M.get_attribute_names(ctx.fileId, path) as string[])
  const out: Record<string, Hdf5AttrValue> = {}
  for (const name of names) {
    try {
      out[name] = readAttribute(ctx, path, name)
    } catch {
      // Unreadable attribute types are skipped here on purpose; attr() reports them.
    }
  }
  return out
}

export function readAttribute(ctx: FileContext, path: string, name: string): Hdf5AttrValue {
  ctx.check()
  return guard(
    `Reading attribute '${name}' of ${path}`,
    ctx.name,
    () => {
      const attr = new ctx.h5.Attribute(ctx.fileId, path, name)
      const meta = attr.metadata as { type: number; size: number }
      if (meta.type === 1 && meta.size === 2) throw new UnsupportedError('float16-attribute', `Attribute '${name}' of ${path} is a float16 value, which is not supported.`, { path, name })
      return normalizeAttrValue(attr.value)
    },
    { path, attribute: name },
  )
}

import { elementCount, matText, type MatValue } from '@spikes/matlab'

/** Numeric arrays up to this many values are copied into metadata; bigger ones are left out. */
const MAX_METADATA_VALUES = 256
const MAX_DEPTH = 4

/**
 * A MATLAB value as JSON-like metadata: numbers (NaN as null), short vectors, text, lists of text and
 * structs of those; big arrays, objects and deeper nesting are left out (undefined).
 */
export function toPlain(value: MatValue | undefined, depth = 0): unknown {
  if (!value || depth > MAX_DEPTH) return undefined
  switch (value.kind) {
    case 'numeric': {
      if (value.data.length > MAX_METADATA_VALUES) return undefined
      const numbers = Array.from(value.data, (v) => (Number.isFinite(v) ? (value.logical ? v !== 0 : v) : null))
      return numbers.length === 1 ? numbers[0] : numbers
    }
    case 'char':
      return value.rows.length <= 1 ? (value.rows[0] ?? '') : value.rows
    case 'cell': {
      if (value.cells.length > MAX_METADATA_VALUES) return undefined
      const texts = value.cells.map((c) => matText(c))
      if (texts.every((t) => t !== undefined)) return texts.length === 1 ? texts[0] : texts
      const items = value.cells.map((c) => toPlain(c, depth + 1))
      return items.some((i) => i === undefined) ? undefined : items
    }
    case 'struct': {
      if (value.elements.length !== 1) return undefined
      const out: Record<string, unknown> = {}
      for (const [name, v] of Object.entries(value.elements[0])) {
        const plain = toPlain(v, depth + 1)
        if (plain !== undefined) out[name] = plain
      }
      return out
    }
    default:
      return undefined
  }
}

/** One value per unit when `value` is a 1×N (or N×1) numeric array or cell of text; undefined otherwise. */
export function perUnit(value: MatValue, units: number): unknown[] | undefined {
  const dims = value.kind === 'opaque' ? [] : value.dims
  if (dims.length !== 2 || elementCount(dims) !== units || (dims[0] !== 1 && dims[1] !== 1)) return undefined
  if (value.kind === 'numeric') return Array.from(value.data, (v) => (Number.isFinite(v) ? (value.logical ? v !== 0 : v) : null))
  if (value.kind === 'cell') {
    const texts = value.cells.map((c) => matText(c) ?? (c.kind === 'numeric' && c.data.length === 0 ? '' : undefined))
    return texts.every((t) => t !== undefined) ? texts : undefined
  }
  return undefined
}

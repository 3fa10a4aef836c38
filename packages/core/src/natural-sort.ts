/**
 * Natural order as SpikeLab sorts names: the key `[int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]`
 * compared as Python lists. Text runs compare case-sensitively by code point; digit runs by value
 * ("unit2" < "unit10"). Equal keys ('01', '1') fall back to byte order, as h5py lists names.
 * Digit runs are ASCII digits only (Python also splits on other Unicode decimal digits).
 */
export function naturalCompare(a: string, b: string): number {
  const ka = key(a)
  const kb = key(b)
  const n = Math.min(ka.length, kb.length)
  for (let i = 0; i < n; i++) {
    // Even positions are text, odd positions digit runs: the split always alternates.
    const c = i % 2 === 0 ? compareCodePoints(ka[i], kb[i]) : compareDigits(ka[i], kb[i])
    if (c !== 0) return c
  }
  if (ka.length !== kb.length) return ka.length < kb.length ? -1 : 1
  return compareBytes(a, b)
}

/** A new array of the names in naturalCompare order. */
export function naturalSort(names: Iterable<string>): string[] {
  return [...names].sort(naturalCompare)
}

function key(s: string): string[] {
  return s.split(/(\d+)/)
}

function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '')
  const b = y.replace(/^0+(?=\d)/, '')
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function compareCodePoints(x: string, y: string): number {
  const a = Array.from(x)
  const b = Array.from(y)
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i].codePointAt(0)! - b[i].codePointAt(0)!
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

const encoder = new TextEncoder()

function compareBytes(x: string, y: string): number {
  const a = encoder.encode(x)
  const b = encoder.encode(y)
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** Natural order: digit runs compare as numbers ("unit2" < "unit10"), other runs case-insensitively. */
export function naturalCompare(a: string, b: string): number {
  const ta = tokens(a)
  const tb = tokens(b)
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]
    const y = tb[i]
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1
    } else if (typeof x === 'number') return -1
    else if (typeof y === 'number') return 1
    else if (x !== y) return x < y ? -1 : 1
  }
  if (ta.length !== tb.length) return ta.length - tb.length
  return a < b ? -1 : a > b ? 1 : 0
}

export function naturalSort(names: Iterable<string>): string[] {
  return [...names].sort(naturalCompare)
}

function tokens(s: string): (string | number)[] {
  return s
    .split(/(\d+)/)
    .filter((t, i) => t !== '' || i === 0)
    .map((t) => (/^\d+$/.test(t) ? Number(t) : t.toLowerCase()))
}

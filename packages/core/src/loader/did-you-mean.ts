/** Levenshtein distance, capped: the cheap edit distance behind every "did you mean" suggestion. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return prev[b.length]!
}

/**
 * The candidate closest to `input` (case-insensitive, ignoring `_` and `-`), when it is close enough to
 * be a typo: at most a third of the longer name's letters differ. Undefined when nothing is close.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const plain = (s: string): string => s.toLowerCase().replace(/[_-]/g, '')
  const target = plain(input)
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(target, plain(candidate))
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  if (best === undefined) return undefined
  return bestDistance <= Math.max(1, Math.floor(Math.max(target.length, best.length) / 3)) ? best : undefined
}

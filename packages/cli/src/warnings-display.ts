import type { SpikesWarning } from '@spikes/core'

const SHOWN_PER_CODE = 3

/** Warning lines for a person: at most three per code, then how many more of that code there were. */
export function warningLines(warnings: readonly Pick<SpikesWarning, 'code' | 'message'>[], format: (w: Pick<SpikesWarning, 'code' | 'message'>) => string): string[] {
  const seen = new Map<string, number>()
  const lines: string[] = []
  for (const w of warnings) {
    const n = (seen.get(w.code) ?? 0) + 1
    seen.set(w.code, n)
    if (n <= SHOWN_PER_CODE) lines.push(format(w))
  }
  for (const [code, n] of seen) if (n > SHOWN_PER_CODE) lines.push(format({ code, message: `… and ${n - SHOWN_PER_CODE} more like this (${n} in all; --json lists every one)` }))
  return lines
}

import type { FolderSource } from '@spikes/core'

/**
 * Wraps a folder so a test can prove nothing was read: `touched` counts calls to list, exists and open
 * (a loader must check its options before any of them).
 */
export function countingFolder(inner: FolderSource): FolderSource & { touched: number } {
  const counting = { ...inner, touched: 0 }
  for (const method of ['list', 'exists', 'open'] as const) {
    ;(counting as Record<string, unknown>)[method] = (...args: [string]) => {
      counting.touched++
      return (inner[method] as (...a: [string]) => unknown)(...args)
    }
  }
  return counting
}

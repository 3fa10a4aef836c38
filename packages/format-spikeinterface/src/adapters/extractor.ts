import { InvalidArgumentError, type WarningCollector } from '@spikes/core'

/** Warning code: the extractor has several segments and segmentIndex was not given, so only segment 0 was loaded. */
export const WARN_SEGMENTS = 'SPIKES_WARN_SEGMENTS'

/** `obj[name]` bound to `obj` when it is a function (extractor methods are optional), else null. */
export function method(obj: object, name: string): ((...args: unknown[]) => unknown) | null {
  const f = (obj as Record<string, unknown>)[name]
  return typeof f === 'function' ? (f as (...args: unknown[]) => unknown).bind(obj) : null
}

/** The segment to read: `value`, default 0; anything but a non-negative integer is an InvalidArgumentError. */
export function checkSegmentIndex(value: unknown): number {
  const s = value ?? 0
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new InvalidArgumentError('segmentIndex', value, 'a non-negative integer')
  return s
}

/**
 * When the extractor reports its segment count (getNumSegments), refuses a segmentIndex beyond it and
 * warns (WARN_SEGMENTS) when several exist and none was chosen.
 */
export async function checkSegments(extractor: object, segmentIndex: number, chosen: boolean, warnings: WarningCollector, noun: 'sorting' | 'recording'): Promise<void> {
  const getSegments = method(extractor, 'getNumSegments')
  if (!getSegments) return
  const segments = Number(await getSegments())
  if (!Number.isInteger(segments) || segments < 1) return
  if (segmentIndex >= segments) throw new InvalidArgumentError('segmentIndex', segmentIndex, `a segment index below the ${noun}'s ${segments} segment(s)`)
  if (segments > 1 && !chosen) warnings.warn(WARN_SEGMENTS, `The ${noun} has ${segments} segments; only segment 0 was loaded. Pass segmentIndex to choose another.`, { segments, segmentIndex })
}

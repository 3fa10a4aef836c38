import { NetworkError } from '@spikes/core'
import type { ResolvedAsset } from './resolve-asset.js'

/** True, with the SPIKES_WARN_DANDI_NO_RANGE warning, when `error` says the storage ignores Range (the caller downloads). */
export function warnedNoRange(error: unknown, asset: ResolvedAsset, warn: (code: string, message: string, details?: Record<string, unknown>) => void): boolean {
  if (!(error instanceof NetworkError && (error.details as { rangeUnsupported?: boolean }).rangeUnsupported)) return false
  warn('SPIKES_WARN_DANDI_NO_RANGE', `${asset.publicUrl} does not support HTTP Range requests; downloading the whole file instead.`, { url: asset.publicUrl })
  return true
}

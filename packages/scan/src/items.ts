import { urlScheme } from '@spikes/core/loader-utils'

/** One recording to load: what the worker hands loadSpikeData, and the size used to balance shards. */
export interface ScanItem {
  /** The input string (path, URL, dandi://, ibl://), also the `source` column. */
  readonly source: string
  /** Bytes, when the listing knows them. */
  readonly size?: number
  /** Loader id to force (from --format, or the expander: 'dandi' for DANDI assets). */
  readonly format?: string
  /** Loader options for this item. */
  readonly options?: Record<string, unknown>
}

/** Items sorted by source, duplicates (same source) removed: the order every shard agrees on. */
export function sortItems(items: readonly ScanItem[]): ScanItem[] {
  const seen = new Map<string, ScanItem>()
  for (const item of items) if (!seen.has(item.source)) seen.set(item.source, item)
  return [...seen.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}


/** An item read over the network (a URL: http(s)://, s3://, dandi://, ibl://), not a local path. */
export function isRemoteItem(item: ScanItem): boolean {
  return urlScheme(item.source) !== undefined
}

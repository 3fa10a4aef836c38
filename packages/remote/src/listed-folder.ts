import { InvalidArgumentError, type FolderEntry, type TransferStats } from '@spikes/core'

/** A relative '/'-separated path without '.', '..' or empty segments; '..' is an InvalidArgumentError. */
export function cleanPath(path: string): string {
  const parts = String(path).replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..')) throw new InvalidArgumentError('path', path, 'a path inside the folder (no ..)')
  return parts.join('/')
}

/**
 * The listing side of a remote folder: each subfolder is listed once by `listDir` (a failed listing is
 * tried again next time), and `entry` finds a path's entry in its parent's listing.
 */
export function listedFolder(listDir: (dir: string) => Promise<FolderEntry[]>): {
  list(subdir?: string): Promise<FolderEntry[]>
  entry(path: string): Promise<FolderEntry | undefined>
  forget(): void
} {
  const listings = new Map<string, Promise<FolderEntry[]>>()
  const list = (subdir = ''): Promise<FolderEntry[]> => {
    const dir = cleanPath(subdir)
    let pending = listings.get(dir)
    if (!pending) {
      pending = listDir(dir)
      listings.set(dir, pending)
      pending.catch(() => listings.delete(dir))
    }
    return pending
  }
  return {
    list,
    async entry(path) {
      const clean = cleanPath(path)
      const slash = clean.lastIndexOf('/')
      return (await list(slash < 0 ? '' : clean.slice(0, slash))).find((e) => e.name === clean.slice(slash + 1))
    },
    forget: () => listings.clear(),
  }
}

/** The traffic of a remote folder: its listing requests (counted into `listing`) plus every file it opened. */
export function folderTraffic(): { listing: TransferStats; track<T extends { stats: TransferStats }>(source: T): T; total(): TransferStats } {
  const listing: TransferStats = { requests: 0, bytes: 0 }
  const opened: { stats: TransferStats }[] = []
  return {
    listing,
    track(source) {
      opened.push(source)
      return source
    },
    total: () => {
      const sum = { ...listing }
      for (const { stats } of opened) {
        sum.requests += stats.requests
        sum.bytes += stats.bytes
        if (stats.wholeFiles) sum.wholeFiles = (sum.wholeFiles ?? 0) + stats.wholeFiles
      }
      return sum
    },
  }
}

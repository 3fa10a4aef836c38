/** Random-access bytes: a local file, an in-memory buffer, a Blob, or an HTTP(S) URL. */
export interface ByteSource {
  readonly type: 'file'
  /** File name (or URL) for messages and extension-based detection. */
  readonly name: string
  /** Local path when the bytes are a file on this machine (lets native readers open it directly). */
  readonly path?: string
  readonly url?: string
  size(): Promise<number>
  /** Exactly `length` bytes from `offset`, fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>
  close(): Promise<void>
  /** Transfer counters, for sources that cross a network. */
  readonly stats?: TransferStats
}

export interface TransferStats {
  requests: number
  bytes: number
}

export interface FolderEntry {
  readonly name: string
  readonly kind: 'file' | 'folder'
  readonly size?: number
}

/** A folder of files: a local directory, an in-memory map, or a remote listing. Paths use '/'. */
export interface FolderSource {
  readonly type: 'folder'
  readonly name: string
  readonly path?: string
  /** Entries directly inside `subdir` ('' = the folder itself). */
  list(subdir?: string): Promise<FolderEntry[]>
  exists(relativePath: string): Promise<boolean>
  /** Throws MissingFileError when the file is not there. */
  open(relativePath: string): Promise<ByteSource>
  close(): Promise<void>
}

/** An input named by a URL scheme that a loader resolves itself (dandi://, ibl://, s3://). */
export interface RemoteSource {
  readonly type: 'remote'
  readonly name: string
  readonly url: string
  readonly scheme: string
}

export type Source = ByteSource | FolderSource | RemoteSource

export function isSource(value: unknown): value is Source {
  if (!value || typeof value !== 'object') return false
  const t = (value as { type?: unknown }).type
  return (t === 'file' && typeof (value as ByteSource).read === 'function') || (t === 'folder' && typeof (value as FolderSource).open === 'function') || (t === 'remote' && typeof (value as RemoteSource).url === 'string')
}

export function baseName(pathOrUrl: string): string {
  const clean = pathOrUrl.replace(/[?#].*$/, '').replace(/[\\/]+$/, '')
  const i = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'))
  return i >= 0 ? clean.slice(i + 1) : clean
}

export function extensionOf(name: string): string {
  const b = baseName(name)
  const i = b.lastIndexOf('.')
  return i > 0 ? b.slice(i + 1).toLowerCase() : ''
}

/** Random-access bytes: a local file, an in-memory buffer, a Blob, or an HTTP(S) URL. */
export interface ByteSource {
  readonly type: 'file'
  /** File name (or URL) for messages and extension-based detection. */
  readonly name: string
  /** Local path when the bytes are a file on this machine (lets native readers open it directly). */
  readonly path?: string
  /** The URL when the bytes come from HTTP(S). */
  readonly url?: string
  /** The Blob or File the bytes come from, so readers that can (h5wasm's WORKERFS in a Worker) read it in place. */
  readonly blob?: Blob
  /** Total length in bytes. */
  size(): Promise<number>
  /** Exactly `length` bytes from `offset`, fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>
  /**
   * Optional: fills `target` with the bytes from `offset` (a buffer the caller reuses, so that streaming
   * a large file allocates nothing per chunk) and resolves to the number written, fewer only at the end.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>
  /** Releases the file handle or cache. loadSpikeData closes the sources it creates, not the ones it is given. */
  close(): Promise<void>
  /** Transfer counters, for sources that cross a network. */
  readonly stats?: TransferStats
}

/** Network traffic of a source so far; loadSpikeData copies it into provenance as `requests` and `bytes_fetched`. */
export interface TransferStats {
  /** HTTP requests made. */
  requests: number
  /** Response body bytes received. */
  bytes: number
  /** Files sent whole because the server ignored HTTP Range (loadSpikeData then warns `SPIKES_WARN_RANGE_IGNORED`). */
  wholeFiles?: number
}

/** One item of FolderSource.list(). */
export interface FolderEntry {
  /** Name inside the listed folder (no path). */
  readonly name: string
  readonly kind: 'file' | 'folder'
  /** Size in bytes, when the listing knows it (files only). */
  readonly size?: number
}

/** A folder of files: a local directory, an in-memory map, or a remote listing. Paths use '/'. */
export interface FolderSource {
  readonly type: 'folder'
  readonly name: string
  readonly path?: string
  /** Entries directly inside `subdir` ('' = the folder itself). */
  list(subdir?: string): Promise<FolderEntry[]>
  /** True when a file (not a folder) is at `relativePath`; never throws for a missing path. */
  exists(relativePath: string): Promise<boolean>
  /** Throws MissingFileError when the file is not there. */
  open(relativePath: string): Promise<ByteSource>
  /** Releases what the folder holds; sources returned by open() are closed separately. */
  close(): Promise<void>
}

/** An input named by a URL scheme that a loader resolves itself (dandi://, ibl://, s3://). */
export interface RemoteSource {
  readonly type: 'remote'
  readonly name: string
  readonly url: string
  readonly scheme: string
}

/** Any loader input, told apart by `type`: 'file', 'folder' or 'remote'. */
export type Source = ByteSource | FolderSource | RemoteSource

/** Duck-typed check: a `type` of 'file' with read(), 'folder' with open(), or 'remote' with a string `url`. */
export function isSource(value: unknown): value is Source {
  if (!value || typeof value !== 'object') return false
  const t = (value as { type?: unknown }).type
  return (t === 'file' && typeof (value as ByteSource).read === 'function') || (t === 'folder' && typeof (value as FolderSource).open === 'function') || (t === 'remote' && typeof (value as RemoteSource).url === 'string')
}

/** Last path segment of a path or URL, without query, fragment or trailing slashes; both `/` and `\` separate. */
export function baseName(pathOrUrl: string): string {
  const clean = pathOrUrl.replace(/[?#].*$/, '').replace(/[\\/]+$/, '')
  const i = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'))
  return i >= 0 ? clean.slice(i + 1) : clean
}

/** Lower-case extension of the base name without the dot; '' when there is none or the name starts with the only dot ('.env'). */
export function extensionOf(name: string): string {
  const b = baseName(name)
  const i = b.lastIndexOf('.')
  return i > 0 ? b.slice(i + 1).toLowerCase() : ''
}

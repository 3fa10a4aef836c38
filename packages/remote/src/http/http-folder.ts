import { baseName, InvalidArgumentError, InvalidSourceError, MissingFileError, NetworkError, type ByteSource, type FolderEntry, type FolderSource, type TransferStats } from '@spikes/core'
import { fetchWithRetry, readBodyCapped, redact } from './http-fetch.js'
import { HttpSource, type HttpSourceOptions } from './http-source.js'
import { MAX_LISTING_BYTES, MAX_LISTING_ENTRIES, parseFolderListing } from './folder-listing.js'
import { cleanPath, folderTraffic, listedFolder } from '../listed-folder.js'

/** Options of {@link httpFolder}: those of the files' HttpSources, plus the file list when the server gives none. */
export interface HttpFolderOptions extends Omit<HttpSourceOptions, 'size'> {
  /**
   * The folder's files, '/'-separated paths relative to it (`['spike_times.npy', 'sub/params.py']`). When
   * given, no listing is requested; otherwise each folder's listing is read from the server (its web page
   * or JSON autoindex) when first needed.
   */
  files?: readonly string[]
  /** Largest listing accepted, in bytes (default 16 MiB); a larger one is an InvalidSourceError. */
  maxListingBytes?: number
}

/** A folder over HTTP(S): also counts the traffic of its listings and of every file it opened. */
export interface HttpFolderSource extends FolderSource {
  readonly url: string
  readonly stats: TransferStats
}


/**
 * A folder on a web server, for folder formats (KiloSort/Phy, ALF, ...): files are read in place with Range
 * requests (only the ones a loader opens), folders are listed from the server's directory listing, or from
 * `options.files` when the server gives none. `loadSpikeData('https://host/ks_output/')` uses this for any
 * http(s) URL that ends in '/'. Works wherever fetch does (browsers: the server must allow the page's origin).
 *
 * Errors: a listing the server refuses is a NetworkError (`status`) whose message says to pass `files`; a page
 * that is not a listing, or a larger one than allowed, an InvalidSourceError; a missing file MissingFileError;
 * a path with '..' InvalidArgumentError.
 */
export function httpFolder(url: string | URL, options: HttpFolderOptions = {}): HttpFolderSource {
  const text = String(url)
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    throw new InvalidArgumentError('url', text, 'an http(s) URL of a folder')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError('url', text, 'an http(s) URL of a folder')
  parsed.hash = ''
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/'
  const folderUrl = parsed.toString()
  const name = baseName(redact(folderUrl)) || parsed.host
  const maxListing = options.maxListingBytes ?? MAX_LISTING_BYTES
  if (!(Number.isSafeInteger(maxListing) && maxListing > 0)) throw new InvalidArgumentError('maxListingBytes', maxListing, 'a positive whole number of bytes')
  const traffic = folderTraffic()
  const given = options.files ? listingFromFiles(options.files) : undefined
  const { list, entry, forget } = listedFolder((dir) => (given ? Promise.resolve(given.get(dir) ?? []) : fetchListing(folderUrl + encodePath(dir) + (dir ? '/' : ''), options, maxListing, traffic.listing)))

  return {
    type: 'folder',
    name,
    url: folderUrl,
    get stats() {
      return traffic.total()
    },
    list,
    async exists(path) {
      try {
        return (await entry(path))?.kind === 'file'
      } catch (error) {
        if (error instanceof InvalidArgumentError) throw error
        // A subfolder without a listing (403/404) has no files we can know of.
        if (error instanceof NetworkError && (error.details as { status?: number }).status !== undefined) return false
        throw error
      }
    },
    async open(path): Promise<ByteSource> {
      const found = await entry(path).catch((error) => {
        if (error instanceof NetworkError && (error.details as { status?: number }).status === 404) return undefined
        throw error
      })
      if (found?.kind !== 'file') throw new MissingFileError(cleanPath(path), redact(folderUrl))
      return traffic.track(new HttpSource(folderUrl + encodePath(cleanPath(path)), { ...options, size: undefined }))
    },
    async close() {
      forget()
    },
  }
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function listingFromFiles(files: readonly string[]): Map<string, FolderEntry[]> {
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) throw new InvalidArgumentError('files', files, "an array of '/'-separated relative file paths")
  if (files.length > MAX_LISTING_ENTRIES) throw new InvalidArgumentError('files', `${files.length} paths`, `at most ${MAX_LISTING_ENTRIES} paths`)
  const dirs = new Map<string, Map<string, FolderEntry>>()
  const add = (dir: string, e: FolderEntry) => {
    const m = dirs.get(dir) ?? new Map<string, FolderEntry>()
    dirs.set(dir, m)
    if (!m.has(e.name) || e.kind === 'folder') m.set(e.name, e)
  }
  for (const file of files) {
    const parts = cleanPath(file).split('/')
    if (parts[0] === '') throw new InvalidArgumentError('files', file, 'non-empty relative file paths')
    for (let i = 0; i < parts.length; i++) add(parts.slice(0, i).join('/'), { name: parts[i]!, kind: i === parts.length - 1 ? 'file' : 'folder' })
  }
  return new Map([...dirs].map(([dir, m]) => [dir, [...m.values()]]))
}

async function fetchListing(url: string, options: HttpFolderOptions, maxBytes: number, stats: TransferStats): Promise<FolderEntry[]> {
  stats.requests++
  let response: Response
  try {
    response = await fetchWithRetry(url, { headers: { accept: 'application/json, text/html;q=0.9' } }, options)
  } catch (error) {
    const status = error instanceof NetworkError ? (error.details as { status?: number }).status : undefined
    if (status === undefined) throw error
    throw new NetworkError(`The server gave no listing of the folder ${redact(url)} (HTTP ${status}). Pass the folder's file names as the files option (httpFolder(url, { files: [...] })).`, { url: redact(url), status }, { cause: error })
  }
  const tooLarge = () => new InvalidSourceError(`The listing of ${redact(url)} is larger than ${maxBytes} bytes (maxListingBytes). Pass the files you need as the files option.`, { url: redact(url), maxBytes })
  const body = await readBodyCapped(response, maxBytes, tooLarge, url)
  stats.bytes += body.length
  const entries = parseFolderListing(new TextDecoder().decode(body), response.headers.get('content-type') ?? '', response.url || url)
  if (!entries) {
    throw new InvalidSourceError(`${redact(url)} did not answer with a folder listing (an HTML index or a JSON autoindex; content-type '${response.headers.get('content-type') ?? 'none'}'). Pass the folder's file names as the files option.`, { url: redact(url) })
  }
  if (entries.length > MAX_LISTING_ENTRIES) throw new InvalidSourceError(`The listing of ${redact(url)} has ${entries.length} entries; at most ${MAX_LISTING_ENTRIES} are read. Pass the files you need as the files option.`, { url: redact(url), entries: entries.length })
  return entries
}

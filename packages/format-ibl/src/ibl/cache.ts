import { md5Hex, nodeImport } from '@spikes/core/loader-utils'
import { IntegrityError, InvalidArgumentError, MissingFileError, NetworkError, bytesSource, memoryFolder, throwIfAborted, type ByteSource, type FolderSource } from '@spikes/core'
import { fetchWithRetry } from '@spikes/remote'

export interface DownloadSpec {
  /** Path inside the cache, '/'-separated: `lab/Subjects/subject/date/001/alf/probe00/spikes.times.npy`. */
  readonly relPath: string
  readonly url: string
  readonly size?: number
  /** MD5 hex digest, when the server gives one. */
  readonly md5?: string
  /** Without `md5`: check the MD5 the answer's ETag gives when it is one (S3 objects uploaded in one part). */
  readonly md5FromEtag?: boolean
}

export interface HttpSettings {
  fetch?: typeof fetch
  timeoutMs: number
  retries: number
  signal?: AbortSignal
  /** Extra headers for a request to `url` (credentials go only to their own origin: see AlyxAuth). */
  headersFor?: (url: string) => Record<string, string>
}

/** Where downloads and recorded REST answers are kept: a ONE-style folder on Node, memory elsewhere. */
export interface OneCache {
  readonly root: string | undefined
  /** True when the file is there (and has `size` bytes when given). */
  has(relPath: string, size?: number): Promise<boolean>
  open(relPath: string): Promise<ByteSource>
  folder(relPath: string): Promise<FolderSource>
  /** Downloads to the cache unless a file of the right size is already there; checks size and MD5. Returns true when it downloaded. */
  fetchFile(spec: DownloadSpec, http: HttpSettings): Promise<boolean>
  readJson(relPath: string): Promise<unknown>
  writeJson(relPath: string, value: unknown): Promise<void>
}

function checkRel(relPath: string): string {
  const clean = relPath.replace(/\\/g, '/').replace(/^\/+/, '')
  if (clean.split('/').some((p) => p === '..' || p === '')) throw new InvalidArgumentError('path', relPath, 'a path inside the cache folder')
  return clean
}

/** MD5 through node:crypto under Node, else through our own (browsers' Web Crypto has no MD5). */
async function md5Of(bytes: Uint8Array): Promise<string> {
  try {
    const { createHash } = await nodeImport<typeof import('node:crypto')>('node:crypto')
    return createHash('md5').update(bytes).digest('hex')
  } catch {
    return md5Hex(bytes)
  }
}

/** What a download is checked against: the record's MD5, else (when allowed) an ETag that is an MD5. */
function expectedMd5(spec: DownloadSpec, response: Response): string | undefined {
  if (spec.md5) return spec.md5.toLowerCase()
  if (!spec.md5FromEtag) return undefined
  const etag = /^"?([0-9a-f]{32})"?$/i.exec(response.headers.get('etag') ?? '')
  return etag ? etag[1]!.toLowerCase() : undefined
}

interface Fetched<T> {
  size: number
  md5: string | undefined
  expectedMd5: string | undefined
  value: T
}

function integrity(spec: DownloadSpec, got: Fetched<unknown>): IntegrityError | undefined {
  const { size, md5, expectedMd5: expected } = got
  if (spec.size !== undefined && size !== spec.size) return new IntegrityError(`Downloaded ${spec.relPath} has ${size} bytes; the server said ${spec.size}.`, { file: spec.relPath, url: spec.url, expected: spec.size, actual: size, check: 'size' })
  if (expected && md5 && md5 !== expected) return new IntegrityError(`Downloaded ${spec.relPath} has MD5 ${md5}; the server said ${expected}.`, { file: spec.relPath, url: spec.url, expected, actual: md5, check: 'md5' })
  return undefined
}

/** Downloads twice at most: a transfer that fails its size or hash check is fetched once more before IntegrityError. */
async function downloadChecked<T>(spec: DownloadSpec, http: HttpSettings, fetchOnce: () => Promise<Fetched<T>>, discard: (value: T) => Promise<void>): Promise<T> {
  let last: IntegrityError | undefined
  for (let attempt = 0; attempt < 2; attempt++) {
    throwIfAborted(http.signal, `Downloading ${spec.relPath}`)
    const got = await fetchOnce()
    const bad = integrity(spec, got)
    if (!bad) return got.value
    await discard(got.value)
    last = bad
  }
  throw last!
}

async function request(spec: DownloadSpec, http: HttpSettings): Promise<Response> {
  return fetchWithRetry(spec.url, { headers: http.headersFor?.(spec.url) ?? {} }, { fetch: http.fetch, timeoutMs: http.timeoutMs, retries: http.retries, signal: http.signal })
}

/** An in-memory cache (browsers, or when no folder may be written). */
export function memoryCache(): OneCache {
  const files = new Map<string, Uint8Array>()
  const json = new Map<string, unknown>()
  return {
    root: undefined,
    async has(relPath, size) {
      const f = files.get(checkRel(relPath))
      return f !== undefined && (size === undefined || f.length === size)
    },
    async open(relPath) {
      const f = files.get(checkRel(relPath))
      if (!f) throw new MissingFileError(relPath, 'the memory cache')
      return bytesSource(f, relPath)
    },
    async folder(relPath) {
      const prefix = checkRel(relPath) + '/'
      // A live view, not a copy: the loader opens the session folder before it downloads into it.
      const now = () => {
        const sub: Record<string, Uint8Array> = {}
        for (const [k, v] of files) if (k.startsWith(prefix)) sub[k.slice(prefix.length)] = v
        return memoryFolder(sub, relPath)
      }
      return { type: 'folder', name: relPath, list: (subdir) => now().list(subdir), exists: (path) => now().exists(path), open: (path) => now().open(path), close: async () => {} }
    },
    async fetchFile(spec, http) {
      const rel = checkRel(spec.relPath)
      if (await this.has(rel, spec.size)) return false
      const bytes = await downloadChecked(
        spec,
        http,
        async () => {
          const response = await request(spec, http)
          const expected = expectedMd5(spec, response)
          const value = new Uint8Array(await response.arrayBuffer())
          return { size: value.length, md5: expected ? await md5Of(value) : undefined, expectedMd5: expected, value }
        },
        async () => {},
      )
      files.set(rel, bytes)
      return true
    },
    async readJson(relPath) {
      return json.get(checkRel(relPath))
    },
    async writeJson(relPath, value) {
      json.set(checkRel(relPath), value)
    },
  }
}

/** The ONE cache layout on disk: `<root>/<lab>/Subjects/<subject>/<date>/<number>/<collection>/[#rev#/]<name>`. */
export async function folderCache(root: string): Promise<OneCache> {
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
  const path = await nodeImport<typeof import('node:path')>('node:path')
  const { fileSource, directorySource, ensureWritableFolder, fsWriteError, asWriteFailure } = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
  const abs = await ensureWritableFolder(root)
  const full = (rel: string) => path.join(abs, ...checkRel(rel).split('/'))
  const has = async (relPath: string, size?: number): Promise<boolean> => {
    try {
      const s = await fs.stat(full(relPath))
      return s.isFile() && (size === undefined || s.size === size)
    } catch {
      return false
    }
  }
  return {
    root: abs,
    has,
    open: (relPath) => fileSource(full(relPath)),
    async folder(relPath) {
      await asWriteFailure(fs.mkdir(full(relPath), { recursive: true }))
      return directorySource(full(relPath))
    },
    async fetchFile(spec, http) {
      const target = full(spec.relPath)
      if (await has(spec.relPath, spec.size)) return false
      await asWriteFailure(fs.mkdir(path.dirname(target), { recursive: true }))
      const part = `${target}.part-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
      await downloadChecked(
        spec,
        http,
        async () => {
          const response = await request(spec, http)
          const expected = expectedMd5(spec, response)
          const { createHash } = await nodeImport<typeof import('node:crypto')>('node:crypto')
          const hash = expected ? createHash('md5') : undefined
          const handle = await asWriteFailure(fs.open(part, 'w'))
          let size = 0
          try {
            if (response.body) {
              const reader = response.body.getReader()
              for (;;) {
                const { done, value } = await reader.read()
                if (done) break
                hash?.update(value)
                size += value.length
                await handle.write(value)
              }
            }
          } catch (error) {
            await handle.close().catch(() => {})
            await fs.rm(part, { force: true })
            if ((error as { code?: string }).code?.startsWith('SPIKES_')) throw error
            if (typeof (error as { syscall?: unknown }).syscall === 'string') throw fsWriteError(error)
            throw new NetworkError(`Download of ${spec.relPath} was interrupted: ${(error as Error).message}`, { url: spec.url }, { cause: error })
          }
          await handle.close()
          return { size, md5: hash?.digest('hex'), expectedMd5: expected, value: part }
        },
        (p) => fs.rm(p, { force: true }),
      )
      await asWriteFailure(fs.rename(part, target))
      return true
    },
    async readJson(relPath) {
      try {
        return JSON.parse(await fs.readFile(full(relPath), 'utf8'))
      } catch {
        return undefined
      }
    },
    async writeJson(relPath, value) {
      const target = full(relPath)
      const tmp = `${target}.tmp-${process.pid}`
      await asWriteFailure(fs.mkdir(path.dirname(target), { recursive: true }).then(() => fs.writeFile(tmp, JSON.stringify(value))).then(() => fs.rename(tmp, target)))
    },
  }
}

/** ONE's default cache folder: ~/Downloads/ONE/<alyx host>. */
export async function defaultCacheDir(baseUrl: string): Promise<string | undefined> {
  try {
    const os = await nodeImport<typeof import('node:os')>('node:os')
    const path = await nodeImport<typeof import('node:path')>('node:path')
    return path.join(os.homedir(), 'Downloads', 'ONE', new URL(baseUrl).host.replace(/[:]/g, '_'))
  } catch {
    return undefined
  }
}

/**
 * The cache at `cacheDir`, created if needed; a `cacheDir` that cannot be written is a WriteError
 * (SPIKES_WRITE_FAILED). Without one: ONE's default folder, or, where that cannot be used (a browser, a
 * read-only home), a cache in memory for this call only, and `onMemoryOnly` hears why.
 */
export async function openCache(cacheDir: string | undefined, baseUrl: string, onMemoryOnly?: (dir: string, error: unknown) => void): Promise<OneCache> {
  if (cacheDir !== undefined) return folderCache(cacheDir)
  const dir = await defaultCacheDir(baseUrl)
  if (dir === undefined) return memoryCache()
  try {
    return await folderCache(dir)
  } catch (error) {
    onMemoryOnly?.(dir, error)
    return memoryCache()
  }
}

/** The warning text for a cache folder that could not be used. */
export function memoryOnlyMessage(dir: string, error: unknown): string {
  return `The cache folder ${dir} could not be used (${error instanceof Error ? error.message : String(error)}); downloads are kept in memory for this call and will not be reused offline. Pass a writable cacheDir.`
}

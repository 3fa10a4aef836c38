import type { FolderEntry } from '@spikes/core'

/** Most entries one listing may hold; a larger one is refused rather than kept in memory. */
export const MAX_LISTING_ENTRIES = 100_000

/** Largest listing page read by default, in bytes; a larger one is refused rather than kept in memory. */
export const MAX_LISTING_BYTES = 16 * 1024 * 1024

/**
 * The entries of a web server's folder listing, or undefined when `body` is not one. Understood: JSON
 * arrays of `{ name, type: 'file' | 'directory', size }` (nginx `autoindex_format json`) or
 * `{ name, is_dir, size }` (Caddy), and HTML pages whose links point directly inside `folderUrl` (the
 * autoindex pages of nginx, Apache, Caddy, lighttpd and Python's http.server). Links elsewhere (parent
 * folder, sort orders, other sites) are ignored; a name ending in '/' is a folder.
 */
export function parseFolderListing(body: string, contentType: string, folderUrl: string): FolderEntry[] | undefined {
  const trimmed = body.trimStart()
  if (/json/i.test(contentType) || trimmed.startsWith('[')) {
    const json = parseJson(trimmed)
    if (Array.isArray(json)) return fromJson(json)
    if (/json/i.test(contentType)) return undefined
  }
  if (/html/i.test(contentType) || /^<(!doctype html|html)/i.test(trimmed)) return fromHtml(body, folderUrl)
  return undefined
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function fromJson(items: unknown[]): FolderEntry[] | undefined {
  const entries = new Map<string, FolderEntry>()
  for (const item of items) {
    if (!item || typeof item !== 'object') return undefined
    const { name, type, is_dir: isDir, size } = item as { name?: unknown; type?: unknown; is_dir?: unknown; size?: unknown }
    if (typeof name !== 'string') return undefined
    const clean = name.replace(/\/+$/, '')
    if (!isPlainName(clean)) continue
    const folder = type === 'directory' || isDir === true || name.endsWith('/')
    entries.set(clean, folder ? { name: clean, kind: 'folder' } : { name: clean, kind: 'file', ...(Number.isSafeInteger(size) && (size as number) >= 0 ? { size: size as number } : {}) })
  }
  return [...entries.values()]
}

const HREF = /<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi

function fromHtml(html: string, folderUrl: string): FolderEntry[] {
  const base = new URL(folderUrl)
  const entries = new Map<string, FolderEntry>()
  for (const match of html.matchAll(HREF)) {
    const href = decodeEntities(match[1] ?? match[2] ?? match[3] ?? '')
    let target: URL
    try {
      target = new URL(href, base)
    } catch {
      continue
    }
    if (target.origin !== base.origin || target.search || !target.pathname.startsWith(base.pathname)) continue
    const rest = target.pathname.slice(base.pathname.length)
    const folder = rest.endsWith('/')
    const raw = folder ? rest.slice(0, -1) : rest
    if (raw.includes('/')) continue
    let name: string
    try {
      name = decodeURIComponent(raw)
    } catch {
      continue
    }
    if (!isPlainName(name) || entries.has(name)) continue
    entries.set(name, { name, kind: folder ? 'folder' : 'file' })
  }
  return [...entries.values()]
}

function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\')
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]!)
}

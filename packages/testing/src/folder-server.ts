import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** How the server lists a folder: the autoindex page of a common server, nginx's JSON, or not at all (403). */
export type ListingStyle = 'nginx' | 'apache' | 'python' | 'json' | 'none'

export interface FolderServer {
  /** Base URL; a folder `ks/` of `files` is at `${url}/ks/`. */
  readonly url: string
  /** Every request: path and Range header. */
  readonly requests: { path: string; range?: string }[]
  /** Answers with `status` (default 503) to matching requests, `times` times (default: always). */
  faults: { match: RegExp; status?: number; times?: number }[]
  close(): Promise<void>
}

/**
 * Serves `files` ('/'-separated paths -> bytes) on 127.0.0.1 with folder listings in the given style, the way a
 * lab's web server would publish a sorting folder: with Range support, except in the 'python' style, which
 * answers as `python -m http.server` does (the whole file, 200, whatever Range asked). With `cors`, pages of any
 * origin may read it (as a browser test needs).
 */
export async function serveFolder(files: Record<string, Uint8Array>, listing: ListingStyle, options: { cors?: boolean } = {}): Promise<FolderServer> {
  const requests: FolderServer['requests'] = []
  const state = { faults: [] as FolderServer['faults'] }
  const server = createServer((req, res) => handle(req, res))
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (options.cors) {
      res.setHeader('access-control-allow-origin', '*')
      res.setHeader('access-control-expose-headers', 'content-range, content-length')
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-headers': 'range, accept', 'access-control-allow-methods': 'GET' }).end()
        return
      }
    }
    requests.push({ path, range: req.headers.range })
    const fault = state.faults.find((f) => f.match.test(path) && (f.times === undefined || f.times > 0))
    if (fault) {
      if (fault.times !== undefined) fault.times--
      res.writeHead(fault.status ?? 503, { 'retry-after': '0' }).end('injected fault')
      return
    }
    const key = path.replace(/^\/+/, '')
    const bytes = files[key]
    if (bytes) return sendFile(req, res, bytes, listing === 'python')
    if (path.endsWith('/')) {
      const entries = listFolder(files, key)
      if (entries && listing !== 'none') return sendListing(res, path, entries, listing)
      res.writeHead(entries ? 403 : 404).end(entries ? 'Directory listing is disabled.' : 'Not found')
      return
    }
    // A folder asked for without its final '/': redirected, as nginx and Apache do.
    if (listFolder(files, `${key}/`)) return void res.writeHead(301, { location: `${path}/` }).end()
    res.writeHead(404).end('Not found')
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    url,
    requests,
    get faults() {
      return state.faults
    },
    set faults(f) {
      state.faults = f
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, ignoreRange: boolean): void {
  if (ignoreRange) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes)
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
  if (!m) {
    res.writeHead(200, { 'content-length': bytes.length, 'accept-ranges': 'bytes' }).end(bytes)
    return
  }
  const start = Number(m[1])
  if (start >= bytes.length) {
    res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end()
    return
  }
  const end = Math.min(m[2] ? Number(m[2]) : bytes.length - 1, bytes.length - 1)
  const chunk = bytes.subarray(start, end + 1)
  res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': chunk.length }).end(chunk)
}

interface Entry {
  name: string
  folder: boolean
  size: number
}

function listFolder(files: Record<string, Uint8Array>, dir: string): Entry[] | undefined {
  const entries = new Map<string, Entry>()
  for (const [path, bytes] of Object.entries(files)) {
    if (!path.startsWith(dir)) continue
    const rest = path.slice(dir.length)
    const slash = rest.indexOf('/')
    const name = slash < 0 ? rest : rest.slice(0, slash)
    entries.set(name, { name, folder: slash >= 0, size: bytes.length })
  }
  return entries.size ? [...entries.values()] : undefined
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

function sendListing(res: ServerResponse, path: string, entries: Entry[], style: ListingStyle): void {
  const href = (e: Entry) => encodeURIComponent(e.name) + (e.folder ? '/' : '')
  let body: string
  let type = 'text/html'
  if (style === 'json') {
    type = 'application/json'
    body = JSON.stringify(entries.map((e) => ({ name: e.name, type: e.folder ? 'directory' : 'file', mtime: 'Tue, 24 Nov 2026 12:00:00 GMT', ...(e.folder ? {} : { size: e.size }) })))
  } else if (style === 'nginx') {
    const rows = entries.map((e) => `<a href="${escape(href(e))}">${escape(e.name)}${e.folder ? '/' : ''}</a>                 24-Nov-2026 12:00     ${e.folder ? '-' : e.size}`)
    body = `<html>\r\n<head><title>Index of ${escape(path)}</title></head>\r\n<body>\r\n<h1>Index of ${escape(path)}</h1><hr><pre><a href="../">../</a>\r\n${rows.join('\r\n')}\r\n</pre><hr></body>\r\n</html>\r\n`
  } else if (style === 'apache') {
    // Apache: sort links with queries, an absolute parent link, absolute hrefs for the entries.
    const rows = entries.map((e) => `<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="${escape(path + href(e))}">${escape(e.name)}</a></td><td align="right">2026-11-24 12:00  </td><td align="right">${e.size}</td></tr>`)
    body = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n  <title>Index of ${escape(path)}</title>\n </head>\n <body>\n<h1>Index of ${escape(path)}</h1>\n  <table>\n   <tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>\n<tr><td><a href="${escape(path.replace(/[^/]+\/$/, ''))}">Parent Directory</a></td></tr>\n${rows.join('\n')}\n</table>\n<address>Apache Server at 127.0.0.1</address>\n<a href="https://example.org/elsewhere.npy">elsewhere</a>\n</body></html>\n`
  } else {
    const rows = entries.map((e) => `<li><a href='${escape(href(e))}'>${escape(e.name)}${e.folder ? '/' : ''}</a></li>`)
    body = `<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Directory listing for ${escape(path)}</title>\n</head>\n<body>\n<h1>Directory listing for ${escape(path)}</h1>\n<hr>\n<ul>\n${rows.join('\n')}\n</ul>\n<hr>\n</body>\n</html>\n`
  }
  res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) }).end(body)
}

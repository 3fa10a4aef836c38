// A file server on 127.0.0.1 for the transport tests: Range reads of `body`, and faults by path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { gzipSync } from 'node:zlib'

export const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13 + 5) & 0xff)

export interface SeenRequest {
  url: string
  range?: string
  auth?: string
  /** Index of the connection it came on (0-based, in order of opening). */
  connection: number
}

export interface FaultServer {
  base: string
  seen: SeenRequest[]
  /** Connections opened so far. */
  connections(): number
  /** Times left that a one-shot fault (`/cut-once`, `/reset-once`, `/expired-once`) still fires. */
  faults: Map<string, number>
  /** Where /away redirects to (another origin). */
  awayTo: string
  close(): Promise<void>
}

export async function startFaultServer(): Promise<FaultServer> {
  const sockets = new Map<Socket, number>()
  const served = new Set<Socket>()
  const seen: SeenRequest[] = []
  const faults = new Map<string, number>()
  const state = { awayTo: '' }
  const once = (name: string) => {
    const left = faults.get(name) ?? 0
    if (left > 0) faults.set(name, left - 1)
    return left > 0
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*$/, '')
    seen.push({ url: req.url ?? '', range: req.headers.range, auth: req.headers.authorization, connection: sockets.get(req.socket) ?? -1 })
    const reused = served.has(req.socket)
    served.add(req.socket)
    answer(path, req, res, { once, reused, awayTo: state.awayTo })
  })
  server.on('connection', (socket) => sockets.set(socket, sockets.size))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    base,
    seen,
    faults,
    connections: () => sockets.size,
    get awayTo() {
      return state.awayTo
    },
    set awayTo(value: string) {
      state.awayTo = value
    },
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  }
}

interface Context {
  once: (name: string) => boolean
  reused: boolean
  awayTo: string
}

function answer(path: string, req: IncomingMessage, res: ServerResponse, ctx: Context): void {
  const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')
  const start = range ? Number(range[1]) : 0
  const end = range ? Math.min(Number(range[2]), body.length - 1) : body.length - 1
  const part = body.subarray(start, end + 1)
  const partial = { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': String(part.length) }
  switch (path) {
    case '/hop1':
      return void res.writeHead(302, { location: '/hop2', 'content-length': '0' }).end()
    case '/hop2':
      return void res.writeHead(307, { location: '/file.bin', 'content-length': '0' }).end()
    case '/away':
      return void res.writeHead(302, { location: `${ctx.awayTo}/file.bin`, 'content-length': '0' }).end()
    case '/loop':
      return void res.writeHead(302, { location: '/loop', 'content-length': '0' }).end()
    case '/to-ftp':
      return void res.writeHead(302, { location: 'ftp://127.0.0.1/file', 'content-length': '0' }).end()
    case '/expired-once':
      if (ctx.once('/expired-once')) return void res.writeHead(403).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')
      break
    case '/cut-once':
    case '/cut':
      if (path === '/cut' || ctx.once('/cut-once')) {
        // Headers promise the whole part; half of it comes, then the connection drops.
        res.writeHead(206, partial)
        res.write(part.subarray(0, part.length >> 1))
        return void setTimeout(() => req.socket.destroy(), 20)
      }
      break
    case '/reset-once':
    case '/reset':
      if (path === '/reset' || ctx.once('/reset-once')) return void req.socket.destroy()
      break
    case '/stale':
      // A server that closed the kept-alive connection while it sat idle: the reused one dies unanswered.
      if (ctx.reused) return void req.socket.destroy()
      break
    case '/whole':
      return void res.writeHead(200, { 'content-length': String(body.length) }).end(body)
    case '/huge-whole':
      // Announces a gigabyte and trickles: refused on its Content-Length, before the body.
      res.writeHead(200, { 'content-length': String(2 ** 30) })
      return void res.write(body.subarray(0, 1000))
    case '/wrong-start':
      return void res.writeHead(206, { 'content-range': `bytes ${start + 1}-${end + 1}/${body.length}`, 'content-length': String(part.length) }).end(part)
    case '/too-long':
      return void res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` }).end(body)
    case '/stall':
      res.writeHead(206, partial)
      return void res.write(part.subarray(0, 10))
    case '/gone':
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such key: gone')
    case '/busy':
      if (ctx.once('/busy')) return void res.writeHead(503, { 'retry-after': '0' }).end('busy')
      break
    case '/json.gz': {
      const zipped = gzipSync(JSON.stringify({ results: [1, 2, 3] }))
      return void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) }).end(zipped)
    }
  }
  res.writeHead(range ? 206 : 200, range ? partial : { 'content-length': String(body.length) }).end(range ? part : body)
}

import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The IBL services on 127.0.0.1, answering as the real ones do, for the ibl loader tests:
 * - Alyx (`url`): every REST call needs `Authorization: Token <t>` from POST /auth-token (403 "Authentication
 *   credentials were not provided." without one, 403 "Invalid token." for an unknown one); lists come in pages
 *   of 250 (`limit`/`offset`) with absolute `next` URLs; sessions carry `projects` (a list).
 * - the public file server (`filesUrl`): ALF files under /public/<lab>/Subjects/..., dataset UUID in the name.
 * - the public bucket (`bucketUrl`): aggregate tables, ETag = MD5, and an Authorization header that is not
 *   AWS's refused as S3 refuses it (400 InvalidArgument).
 * Faults can be injected per path on any of them: slow answers, failures, dropped connections, corrupted bytes.
 */
export interface EmulatedFile {
  readonly collection: string
  readonly revision?: string
  /** ALF file name without UUID: `spikes.times.npy`. */
  readonly name: string
  readonly bytes: Uint8Array
  readonly defaultDataset?: boolean
  /** A file record on another repository listed before the public one (a private bucket: 403 without a signature). */
  readonly privateCopyFirst?: boolean
}

export interface EmulatedSession {
  readonly eid: string
  readonly lab: string
  readonly subject: string
  readonly date: string
  readonly number: number
  readonly record?: Record<string, unknown>
  readonly files: readonly EmulatedFile[]
}

export interface Fault {
  /** Matched against the request path + query. */
  readonly match: RegExp
  readonly kind: 'status' | 'slow' | 'drop' | 'corrupt'
  /** HTTP status for 'status' (default 503). */
  readonly status?: number
  /** Delay for 'slow' (ms). */
  readonly delayMs?: number
  /** How many matching requests are affected (default: all). */
  times?: number
}

export interface AlyxSetup {
  sessions: EmulatedSession[]
  subjects?: Record<string, Record<string, unknown>>
  insertions?: Record<string, Record<string, unknown>>
  /** Extra bodies by exact path (e.g. recorded dataset-types, labs). */
  rest?: Record<string, unknown>
  /** Objects of the public bucket: path -> bytes. */
  files?: Record<string, Uint8Array>
  /** Accounts (default: the public intbrainlab / international). */
  users?: Record<string, string>
}

/** One request as a server saw it. */
export interface LoggedRequest {
  readonly server: 'alyx' | 'files' | 'bucket' | 'private'
  readonly method: string
  readonly path: string
  readonly status: number
  /** The Authorization header as sent. */
  readonly authorization: string | undefined
}

export interface AlyxEmulator {
  /** Alyx's base URL (REST and /auth-token). */
  readonly url: string
  readonly filesUrl: string
  readonly bucketUrl: string
  /** The public file server's prefix, as ONE's HTTP_DATA_SERVER: `${filesUrl}/public`. */
  readonly dataServer: string
  /** Paths (with query) of every request, all servers. */
  readonly requests: string[]
  readonly log: LoggedRequest[]
  faults: Fault[]
  /** Page size of list endpoints when the request gives no `limit` (default 250, as Alyx). */
  pageSize: number
  /** Tokens issued so far. */
  readonly tokens: string[]
  /** Forgets every token: the next request with one is answered 403 "Invalid token.". */
  revokeTokens(): void
  count(prefix: RegExp): number
  close(): Promise<void>
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex')
const pad3 = (n: number) => String(n).padStart(3, '0')
const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/')

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function xml(res: ServerResponse, status: number, code: string, message: string) {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>EMULATED</RequestId></Error>`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, cors: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v)
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD, POST', 'Access-Control-Allow-Headers': 'Range, Authorization, Content-Type, Accept', 'Access-Control-Max-Age': '600' }).end()
      return
    }
    handler(req, res).catch((error) => json(res, 500, { detail: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (/json/.test(req.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(text)
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(text))
}

export async function startAlyxEmulator(setup: AlyxSetup): Promise<AlyxEmulator> {
  const requests: string[] = []
  const log: LoggedRequest[] = []
  const state = { faults: [] as Fault[], pageSize: 250 }
  const users = setup.users ?? { intbrainlab: 'international' }
  const tokens = new Set<string>()
  const issued: string[] = []
  const publicFiles = new Map<string, Uint8Array>()
  const bucketFiles = new Map<string, Uint8Array>(Object.entries(setup.files ?? {}))
  const datasets = new Map<string, unknown[]>()
  const sessionRecords = new Map<string, Record<string, unknown>>()

  const takeFault = (full: string) => {
    const fault = state.faults.find((f) => f.match.test(full) && (f.times === undefined || f.times > 0))
    if (fault && fault.times !== undefined) fault.times--
    return fault
  }
  /** Common front of every server: logging and faults; true when the request was answered. */
  const front = async (server: LoggedRequest['server'], req: IncomingMessage, res: ServerResponse): Promise<Fault | undefined | 'done'> => {
    const full = req.url ?? '/'
    requests.push(full)
    res.on('finish', () => log.push({ server, method: req.method ?? 'GET', path: full, status: res.statusCode, authorization: req.headers.authorization }))
    const fault = takeFault(full)
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000))
    if (fault?.kind === 'drop') {
      req.socket.destroy()
      return 'done'
    }
    if (fault?.kind === 'status') {
      json(res, fault.status ?? 503, { detail: 'injected failure' })
      return 'done'
    }
    return fault
  }
  const sendBytes = (res: ServerResponse, bytes: Uint8Array | undefined, fault: Fault | undefined, etag: boolean) => {
    if (!bytes) return json(res, 404, { detail: 'Not found.' })
    let out = bytes
    if (fault?.kind === 'corrupt') {
      // A copy: flipping a Buffer view of a fixture would corrupt the served file for good.
      out = Uint8Array.from(bytes)
      out[out.length >> 1] ^= 0xff
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': out.length, ...(etag ? { etag: `"${md5(bytes)}"` } : {}) })
    res.end(out)
  }

  const files = await listen(async (req, res) => {
    const fault = await front('files', req, res)
    if (fault !== 'done') sendBytes(res, publicFiles.get(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)), fault, false)
  }, { 'Access-Control-Expose-Headers': 'Content-Length' })
  const bucket = await listen(async (req, res) => {
    const fault = await front('bucket', req, res)
    if (fault === 'done') return
    const auth = req.headers.authorization
    if (auth && !auth.startsWith('AWS4-HMAC-SHA256')) return xml(res, 400, 'InvalidArgument', 'Unsupported Authorization Type')
    sendBytes(res, bucketFiles.get(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)), fault, true)
  }, { 'Access-Control-Expose-Headers': 'ETag' })
  // A private repository (signed S3 URLs only): what a client that ignores the public file records reaches.
  const privateStore = await listen(async (req, res) => {
    if ((await front('private', req, res)) !== 'done') xml(res, 403, 'AccessDenied', 'Access Denied')
  }, {})

  const alyx = await listen(async (req, res) => {
    const fault = await front('alyx', req, res)
    if (fault === 'done') return
    const url = new URL(req.url ?? '/', alyx.url)
    const path = url.pathname.replace(/\/+$/, '')
    if (path === '/auth-token' && req.method === 'POST') {
      const { username, password } = await readBody(req)
      if (!username || users[username] !== password) return json(res, 400, { non_field_errors: ['Unable to log in with provided credentials.'] })
      const token = randomUUID().replace(/-/g, '')
      tokens.add(token)
      issued.push(token)
      return json(res, 200, { token })
    }
    const auth = /^Token (\S+)$/.exec(req.headers.authorization ?? '')
    if (!auth) return json(res, 403, { detail: 'Authentication credentials were not provided.' })
    if (!tokens.has(auth[1]!)) return json(res, 403, { detail: 'Invalid token.' })
    let m: RegExpExecArray | null
    const one = (record: unknown) => json(res, record ? 200 : 404, record ?? { detail: 'Not found.' })
    if ((m = /^\/sessions\/([\w-]+)$/.exec(path))) return one(sessionRecords.get(m[1]!))
    if ((m = /^\/subjects\/([\w.-]+)$/.exec(path))) return one(setup.subjects?.[m[1]!])
    if ((m = /^\/insertions\/([\w-]+)$/.exec(path))) return one(setup.insertions?.[m[1]!])
    if (path === '/datasets') {
      const list = datasets.get(url.searchParams.get('session') ?? '') ?? []
      const limit = Number(url.searchParams.get('limit') ?? state.pageSize)
      const offset = Number(url.searchParams.get('offset') ?? 0)
      const page = (o: number) => {
        const u = new URL(url)
        u.searchParams.set('limit', String(limit))
        u.searchParams.set('offset', String(o))
        return u.toString()
      }
      return json(res, 200, { count: list.length, next: offset + limit < list.length ? page(offset + limit) : null, previous: offset > 0 ? page(Math.max(0, offset - limit)) : null, results: list.slice(offset, offset + limit) })
    }
    return one(setup.rest?.[path])
  }, { 'Access-Control-Expose-Headers': 'Content-Length, Retry-After' })

  for (const s of setup.sessions) {
    const sessionPath = `${s.lab}/Subjects/${s.subject}/${s.date}/${pad3(s.number)}`
    sessionRecords.set(s.eid, { id: s.eid, subject: s.subject, lab: s.lab, number: s.number, start_time: `${s.date}T12:00:00`, projects: [], ...s.record })
    datasets.set(s.eid, s.files.map((f) => datasetRecord(s, sessionPath, f)))
  }
  function datasetRecord(s: EmulatedSession, sessionPath: string, f: EmulatedFile) {
    const id = randomUUID()
    const dot = f.name.lastIndexOf('.')
    const inFolder = (name: string) => [f.collection, f.revision ? `#${f.revision}#` : '', name].filter(Boolean).join('/')
    const publicPath = `/public/${sessionPath}/${inFolder(`${f.name.slice(0, dot)}.${id}${f.name.slice(dot)}`)}`
    publicFiles.set(publicPath, f.bytes)
    const relative = `${s.subject}/${s.date}/${pad3(s.number)}/${inFolder(f.name)}`
    const records = [{ id: randomUUID(), data_repository: `flatiron_${s.lab}`, data_repository_path: `/${s.lab}/Subjects/`, relative_path: relative, data_url: `${files.url}${encodePath(publicPath)}`, exists: true }]
    if (f.privateCopyFirst) records.unshift({ id: randomUUID(), data_repository: `aws_${s.lab}`, data_repository_path: `/data/${s.lab}/Subjects/`, relative_path: relative, data_url: `${privateStore.url}/data/${encodePath(`${s.lab}/Subjects/${relative}`)}`, exists: true })
    return {
      url: `${alyx.url}/datasets/${id}`,
      name: f.name,
      created_by: 'emulator',
      dataset_type: f.name.split('.').slice(0, 2).join('.').replace(/^_\w+?_/, ''),
      data_format: f.name.split('.').pop(),
      collection: f.collection,
      session: `${alyx.url}/sessions/${s.eid}`,
      file_size: f.bytes.length,
      hash: md5(f.bytes),
      version: '1.0.0',
      file_records: records,
      revision: f.revision ?? null,
      default_dataset: f.defaultDataset ?? true,
      protected: false,
      public: true,
      tags: [],
    }
  }
  const servers = [alyx.server, files.server, bucket.server, privateStore.server]
  return {
    url: alyx.url,
    filesUrl: files.url,
    bucketUrl: bucket.url,
    dataServer: `${files.url}/public`,
    requests,
    log,
    get faults() {
      return state.faults
    },
    set faults(f: Fault[]) {
      state.faults = f
    },
    get pageSize() {
      return state.pageSize
    },
    set pageSize(n: number) {
      state.pageSize = n
    },
    tokens: issued,
    revokeTokens: () => tokens.clear(),
    count: (re) => requests.filter((r) => re.test(r)).length,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections?.()
              server.close(() => resolve())
            }),
        ),
      ).then(() => {}),
  }
}

import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * An Alyx REST + public file server emulator on 127.0.0.1 for the ibl loader tests. It answers the
 * calls ONE makes (sessions, subjects, insertions, datasets?session=) with records shaped like the
 * recorded Alyx responses, serves the ALF files under /public/<lab>/Subjects/... with the dataset
 * UUID in the name (as the public file server does), and serves aggregate tables. Faults can be
 * injected per path: slow answers, failures, dropped connections, corrupted bytes.
 */
export interface EmulatedFile {
  readonly collection: string
  readonly revision?: string
  /** ALF file name without UUID: `spikes.times.npy`. */
  readonly name: string
  readonly bytes: Uint8Array
  readonly defaultDataset?: boolean
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
  /** Files served as they are (aggregate tables): path -> bytes. */
  files?: Record<string, Uint8Array>
}

export interface AlyxEmulator {
  readonly url: string
  readonly requests: string[]
  faults: Fault[]
  /** When set, dataset lists are paginated ({count, next, results}) with this page size even without `limit`. */
  pageSize: number | undefined
  /** Counts of requests per path prefix. */
  count(prefix: RegExp): number
  close(): Promise<void>
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex')
}

export async function startAlyxEmulator(setup: AlyxSetup): Promise<AlyxEmulator> {
  const requests: string[] = []
  const fileBytes = new Map<string, Uint8Array>()
  const datasets = new Map<string, unknown[]>()
  let base = ''
  const state = { faults: [] as Fault[], pageSize: undefined as number | undefined }

  const sessionRecords = new Map<string, Record<string, unknown>>()
  const build = () => {
    for (const s of setup.sessions) {
      const sessionPath = `${s.lab}/Subjects/${s.subject}/${s.date}/${String(s.number).padStart(3, '0')}`
      sessionRecords.set(s.eid, { id: s.eid, subject: s.subject, lab: s.lab, number: s.number, start_time: `${s.date}T12:00:00`, ...s.record })
      const records = s.files.map((f) => {
        const id = randomUUID()
        const dot = f.name.lastIndexOf('.')
        const withUuid = `${f.name.slice(0, dot)}.${id}${f.name.slice(dot)}`
        const rel = [f.collection, f.revision ? `#${f.revision}#` : '', withUuid].filter(Boolean).join('/')
        const publicPath = `/public/${sessionPath}/${rel}`
        fileBytes.set(publicPath, f.bytes)
        return {
          url: `${base}/datasets/${id}`,
          name: f.name,
          created_by: 'emulator',
          dataset_type: f.name.split('.').slice(0, 2).join('.').replace(/^_\w+?_/, ''),
          data_format: f.name.split('.').pop(),
          collection: f.collection,
          session: `${base}/sessions/${s.eid}`,
          file_size: f.bytes.length,
          hash: md5(f.bytes),
          version: '1.0.0',
          experiment_number: 1,
          file_records: [
            { id: randomUUID(), data_repository: 'flatiron_' + s.lab, data_repository_path: `/${s.lab}/Subjects/`, relative_path: `${s.subject}/${s.date}/${String(s.number).padStart(3, '0')}/${[f.collection, f.revision ? `#${f.revision}#` : '', f.name].filter(Boolean).join('/')}`, data_url: `${base}${publicPath.split('/').map(encodeURIComponent).join('/')}`, exists: true },
          ],
          revision: f.revision ?? null,
          default_dataset: f.defaultDataset ?? true,
          protected: false,
          public: true,
          tags: [],
        }
      })
      datasets.set(s.eid, records)
    }
    for (const [path, bytes] of Object.entries(setup.files ?? {})) fileBytes.set(path, bytes)
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const full = req.url ?? '/'
    requests.push(full)
    const fault = state.faults.find((f) => f.match.test(full) && (f.times === undefined || f.times > 0))
    if (fault && fault.times !== undefined) fault.times--
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000))
    if (fault?.kind === 'drop') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'status') return json(res, fault.status ?? 503, { detail: 'injected failure' })
    const url = new URL(full, 'http://x')
    const path = url.pathname.replace(/\/+$/, '')
    const bytes = fileBytes.get(decodeURIComponent(url.pathname))
    if (bytes) {
      let out = bytes
      if (fault?.kind === 'corrupt') {
        // A copy: Buffer#slice (files read with readFileSync) is a view, and flipping it would corrupt the served file for good.
        out = Uint8Array.from(bytes)
        out[out.length >> 1] ^= 0xff
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': out.length })
      res.end(out)
      return
    }
    let m: RegExpExecArray | null
    if ((m = /^\/sessions\/([\w-]+)$/.exec(path))) {
      const s = sessionRecords.get(m[1])
      return s ? json(res, 200, s) : json(res, 404, { detail: 'Not found.' })
    }
    if ((m = /^\/subjects\/([\w-]+)$/.exec(path))) {
      const s = setup.subjects?.[m[1]]
      return s ? json(res, 200, s) : json(res, 404, { detail: 'Not found.' })
    }
    if ((m = /^\/insertions\/([\w-]+)$/.exec(path))) {
      const s = setup.insertions?.[m[1]]
      return s ? json(res, 200, s) : json(res, 404, { detail: 'Not found.' })
    }
    if (path === '/datasets') {
      const eid = url.searchParams.get('session') ?? ''
      const list = datasets.get(eid) ?? []
      const limit = Number(url.searchParams.get('limit') ?? state.pageSize ?? 0)
      if (limit > 0) {
        const offset = Number(url.searchParams.get('offset') ?? 0)
        const next = offset + limit < list.length ? `${base}/datasets?session=${eid}&exists=True&limit=${limit}&offset=${offset + limit}` : null
        return json(res, 200, { count: list.length, next, previous: null, results: list.slice(offset, offset + limit) })
      }
      return json(res, 200, list)
    }
    if (setup.rest && path in setup.rest) return json(res, 200, setup.rest[path])
    return json(res, 404, { detail: 'Not found.' })
  }

  const server: Server = createServer((req, res) => {
    // CORS, so pages on another origin can use it (browser tests).
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Retry-After, ETag')
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, Authorization, Content-Type, Accept', 'Access-Control-Max-Age': '600' }).end()
      return
    }
    handle(req, res).catch((error) => json(res, 500, { detail: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  build()
  return {
    url: base,
    requests,
    get faults() {
      return state.faults
    },
    set faults(f: Fault[]) {
      state.faults = f
    },
    get pageSize() {
      return state.pageSize
    },
    set pageSize(n: number | undefined) {
      state.pageSize = n
    },
    count: (re) => requests.filter((r) => re.test(r)).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

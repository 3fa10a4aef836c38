import { Worker } from 'node:worker_threads'

export interface EmulatorAsset {
  assetId: string
  dandisetId: string
  version: string
  path: string
  size: number
  /** Null for a Zarr asset. */
  blob: string | null
  /** The Zarr id of a Zarr asset, else null. */
  zarr: string | null
  file: string | null
  /** The blob's multipart ETag (dandi:dandi-etag), computed by the emulator; null for Zarr. */
  dandiEtag: string | null
}

export interface FaultRule {
  where: 'list' | 'asset' | 'download' | 'blob' | 'zarr' | 'zarr-list' | 'any'
  /** Only requests whose object key (or listing prefix) ends with this, e.g. 'units/spike_times/0'. */
  key?: string
  kind: '429' | '500' | '503' | '401' | 'drop' | 'short' | 'ignore-range' | 'slow' | 'expire-urls'
  /** How many requests it hits (default 1; null = every one). */
  times?: number | null
  /** Matching requests let through before it hits (default 0). */
  after?: number
  retryAfter?: number
  afterBytes?: number
  delayMs?: number
}

export interface LogEntry {
  method: string
  path: string
  kind: 'list' | 'asset' | 'download' | 'blob' | 'zarr' | 'zarr-list'
  status: number
  range: string | null
  bytes: number
  auth: 'present' | null
  /** Requests open on the server that answered it (API or storage) when it arrived, itself included: their peak is a client's concurrency there. */
  open: number
}

export interface EmulatorConfig {
  dandisets: Record<string, { version?: string; embargoed?: boolean; rawResults?: unknown[]; assets: EmulatedAsset[] }>
  rawAssetDocs?: unknown[]
  token?: string
  /** Lifetime of presigned storage URLs (default 6 h, as the archive's). */
  urlTtlSeconds?: number
  /** Added before every response of the API and the storage (ms): a remote archive rather than loopback. */
  latencyMs?: number
  /** Paces every blob response to this many bytes per second. */
  bytesPerSecond?: number
  /** Keys per ListObjectsV2 page of the bucket (default 1000, as S3). */
  listPageSize?: number
}

/**
 * One asset: a blob (`file`) or a Zarr archive (`zarr: true`: a `folder` whose objects the bucket serves under
 * `zarr/<zarr_id>/`, less the `zarrOmit` keys; or no objects at all); the flags make its metadata lie or withhold.
 */
export type EmulatedAsset = { path: string; assetId?: string; wrongDigest?: boolean; noDigest?: boolean; noSha256?: boolean; wrongEtag?: boolean; contentUrl?: 'omit'; ignoreRange?: boolean } & (
  | { file: string; zarr?: false }
  | { zarr: true; size?: number; folder?: string; zarrOmit?: string[]; file?: undefined }
)

export interface Emulator {
  baseUrl: string
  apiBase: string
  /** The storage origin (presigned blob URLs; CORS exposes ETag only). */
  storageUrl: string
  /** Moves the storage's clock forward: presigned URLs issued earlier may now be expired. */
  advanceClock(ms: number): Promise<void>
  assets: EmulatorAsset[]
  asset(path: string): EmulatorAsset
  setFaults(rules: FaultRule[]): Promise<void>
  log(): Promise<LogEntry[]>
  clearLog(): Promise<void>
  close(): Promise<void>
}

/** Starts the DANDI emulator in a worker thread (remote HDF5 reads block the calling thread). */
export async function startDandiEmulator(config: EmulatorConfig): Promise<Emulator> {
  const worker = new Worker(new URL('./emulator-worker.mjs', import.meta.url), { workerData: config })
  let nextId = 1
  const pending = new Map<number, (value: unknown) => void>()
  const ready = await new Promise<{ baseUrl: string; apiBase: string; storageUrl: string; assets: EmulatorAsset[] }>((resolve, reject) => {
    worker.once('error', reject)
    worker.on('message', (msg) => {
      if (msg.type === 'ready') resolve(msg)
      else if (typeof msg.id === 'number') {
        pending.get(msg.id)?.(msg.result)
        pending.delete(msg.id)
      }
    })
  })
  const call = (type: string, extra: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      worker.postMessage({ type, id, ...extra })
    })
  return {
    ...ready,
    asset(path) {
      const a = ready.assets.find((x) => x.path === path)
      if (!a) throw new Error(`no emulated asset ${path}`)
      return a
    },
    setFaults: async (rules) => {
      await call('faults', { rules })
    },
    advanceClock: async (ms) => {
      await call('clock', { ms })
    },
    log: async () => (await call('log')) as LogEntry[],
    clearLog: async () => {
      await call('clear')
    },
    close: async () => {
      await call('close')
      await worker.terminate()
    },
  }
}

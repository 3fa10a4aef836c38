import { InvalidArgumentError, LoaderNotRegisteredError } from '@spikes/core'
import type { ScanItem } from '../items.js'

/** What a DANDI or IBL expansion needs besides the input. */
export interface ArchiveOptions {
  /** Loader options from --options; DANDI assets get `apiBase` added, IBL probes pass them to the ibl loader. */
  readonly options: Record<string, unknown>
  /** --glob: narrows a dandiset's assets (server-side); default every `*.nwb`. */
  readonly glob?: string
  /** DANDI API root: the apiBase option, else DANDI_API_URL, else the public archive. */
  readonly apiBase?: string
  readonly fetch?: typeof fetch
  readonly signal?: AbortSignal
}

const DANDISET = /^dandi:\/\/(\d{6})(?:\/(draft|\d+\.\d+\.\d+))?\/?$/i

/** True for `dandi://<dandiset>[/<version>]` (a whole dandiset, not one asset). */
export function isDandiset(input: string): boolean {
  return DANDISET.test(input)
}

/** Every NWB asset of a dandiset (or those matching --glob), as `dandi://<dandiset>/<version>/<path>` items for the dandi loader. */
export async function expandDandiset(input: string, how: ArchiveOptions): Promise<ScanItem[]> {
  const [, dandisetId, version = 'draft'] = DANDISET.exec(input)!
  const { listAssets } = await optionalPlugin(() => import('@spikes/format-dandi'), '@spikes/format-dandi', 'dandi')
  const options = how.apiBase ? { ...how.options, apiBase: how.apiBase } : { ...how.options }
  const items: ScanItem[] = []
  const assets = listAssets(dandisetId, { version, glob: how.glob ?? '*.nwb', apiBase: options.apiBase as string | undefined, signal: how.signal, fetch: how.fetch })
  for await (const asset of assets) {
    if (!how.glob && !/\.nwb$/i.test(asset.path)) continue
    const path = asset.path.split('/').map(encodeURIComponent).join('/')
    items.push({ source: `dandi://${dandisetId}/${version}/${path}`, size: asset.size, format: 'dandi', options: { ...options, version, assetId: asset.assetId } })
  }
  return items
}

/** True for an IBL probe query: `ibl://probes?regions=MOs,MOp&minUnits=10`. */
export function isIblQuery(input: string): boolean {
  return /^ibl:\/\/probes\/?(\?|$)/i.test(input)
}

/**
 * The probes of an IBL Brain-Wide Map query as `ibl://<eid>/<pid>` items. Query keys: `regions` (Beryl
 * acronyms, comma-separated), `minUnits`, `minFraction`, `unitsTable`, `cacheDir`, `mode` (remote|local).
 */
export async function expandIblQuery(input: string, how: ArchiveOptions): Promise<ScanItem[]> {
  const params = new URL(input.replace(/^ibl:/i, 'http:')).searchParams
  const known = new Set(['regions', 'minUnits', 'minFraction', 'unitsTable', 'cacheDir', 'mode'])
  for (const key of params.keys()) if (!known.has(key)) throw new InvalidArgumentError('IBL query key', key, `one of ${[...known].join(', ')}`)
  const number = (key: string) => {
    const text = params.get(key)
    if (text === null) return undefined
    const n = Number(text)
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`IBL query ${key}`, text, 'a number')
    return n
  }
  const regions = params.get('regions')
  const mode = params.get('mode') ?? undefined
  if (mode !== undefined && mode !== 'remote' && mode !== 'local') throw new InvalidArgumentError('IBL query mode', mode, "'remote' or 'local'")
  const { queryIblProbes } = await optionalPlugin(() => import('@spikes/format-ibl'), '@spikes/format-ibl', 'ibl')
  const result = await queryIblProbes({
    targetRegions: regions ? regions.split(',').map((r) => r.trim()).filter(Boolean) : null,
    minUnits: number('minUnits'),
    minFractionInTarget: number('minFraction'),
    unitsTable: params.get('unitsTable') ?? undefined,
    cacheDir: params.get('cacheDir') ?? (how.options.cacheDir as string | undefined),
    mode: mode as 'remote' | 'local' | undefined,
    fetch: how.fetch,
    signal: how.signal,
  })
  return result.stats.map((s) => ({ source: `ibl://${s.eid}/${s.pid}`, format: 'ibl', options: { ...how.options } }))
}

/** Imports an optional plugin; LoaderNotRegisteredError with the install command when it is not installed. */
async function optionalPlugin<T>(load: () => Promise<T>, packageName: string, formatId: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(packageName)) {
      throw new LoaderNotRegisteredError(formatId, `npm i ${packageName}`, [])
    }
    throw error
  }
}

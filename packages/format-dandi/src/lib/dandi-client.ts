import { getAsset, listAssets, resolveClientOptions, type DandiAsset, type DandiAssetDetail, type DandiClientOptions, type ListAssetsOptions } from './client.js'

/** The API calls with connection settings (apiBase, token, timeouts, retries) given once. */
export class DandiClient {
  private readonly options: DandiClientOptions

  constructor(options: DandiClientOptions = {}) {
    resolveClientOptions(options)
    this.options = { ...options }
  }

  get apiBase(): string {
    return resolveClientOptions(this.options).apiBase
  }

  /** {@link listAssets} with this client's settings; `signal` may be given per call. */
  listAssets(dandisetId: string, options: Omit<ListAssetsOptions, keyof DandiClientOptions> & { signal?: AbortSignal } = {}): AsyncGenerator<DandiAsset, void, undefined> {
    return listAssets(dandisetId, { ...this.options, ...options })
  }

  /** {@link getAsset} with this client's settings; `signal` may be given per call. */
  getAsset(assetId: string, options: { signal?: AbortSignal } = {}): Promise<DandiAssetDetail> {
    return getAsset(assetId, { ...this.options, ...options })
  }

  /** The whole listing as an array (SpikeLab callers often list() the generator). */
  async listAssetsArray(dandisetId: string, options: Omit<ListAssetsOptions, keyof DandiClientOptions> & { signal?: AbortSignal } = {}): Promise<DandiAsset[]> {
    const out: DandiAsset[] = []
    for await (const a of this.listAssets(dandisetId, options)) out.push(a)
    return out
  }
}

// A writer of small NWB files stored as Zarr in hdmf-zarr's layout (Zarr v2 groups and arrays, attributes in
// .zattrs, object references as {"value": {"path", "source"}, "zarr_dtype": "object"}, links in the parent's
// .zattrs `zarr_link`, strings as vlen-utf8 object arrays), uncompressed, optionally with consolidated
// metadata (.zmetadata). For tests of what real hdmf-zarr output in ../shared lacks.

type Json = Record<string, unknown>
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2))

export interface NwbZarrUnits {
  /** Spike times per unit, seconds. */
  spikeTimes: number[][]
  /** Unit ids: numbers (int64) or strings (vlen-utf8). */
  ids?: (number | string)[]
  /** A boolean column. */
  flags?: boolean[]
  /** A ragged numeric column (with its _index). */
  ragged?: number[][]
}

export interface NwbZarrOptions {
  units: NwbZarrUnits
  /** Where the Units table lives (default /units). */
  unitsPath?: string
  /** Put /units as a zarr_link to unitsPath (when unitsPath is not /units). */
  linkUnits?: boolean
  /** Write .zmetadata at the root and nothing else needs listing. */
  consolidated?: boolean
  identifier?: string
}

class Store {
  readonly files: Record<string, Uint8Array> = {}
  readonly meta: Json = {}

  put(path: string, doc: unknown): void {
    this.meta[path] = doc
    this.files[path] = text(doc)
  }

  group(path: string, attrs: Json = {}): void {
    const at = path ? `${path}/` : ''
    this.put(`${at}.zgroup`, { zarr_format: 2 })
    this.put(`${at}.zattrs`, attrs)
  }

  array(path: string, values: number[] | string[] | boolean[], dtype: string, attrs: Json = {}): void {
    const n = values.length
    const strings = dtype === '|O'
    this.put(`${path}/.zarray`, { chunks: [Math.max(1, n)], compressor: null, dtype, fill_value: strings ? '' : 0, filters: strings ? [{ id: 'vlen-utf8' }] : null, order: 'C', shape: [n], zarr_format: 2 })
    this.put(`${path}/.zattrs`, attrs)
    if (n > 0) this.files[`${path}/0`] = chunk(values, dtype)
  }
}

function chunk(values: number[] | string[] | boolean[], dtype: string): Uint8Array {
  if (dtype === '|O') {
    const parts = (values as string[]).map((v) => new TextEncoder().encode(v))
    const out = new Uint8Array(4 + parts.reduce((s, p) => s + 4 + p.length, 0))
    const view = new DataView(out.buffer)
    view.setUint32(0, parts.length, true)
    let at = 4
    for (const p of parts) {
      view.setUint32(at, p.length, true)
      out.set(p, at + 4)
      at += 4 + p.length
    }
    return out
  }
  if (dtype === '|b1') return Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0))
  if (dtype === '<f8') return new Uint8Array(Float64Array.from(values as number[]).buffer)
  if (dtype === '<i8') return new Uint8Array(BigInt64Array.from(values as number[], (v) => BigInt(v)).buffer)
  return new Uint8Array(Uint32Array.from(values as number[]).buffer)
}

const column = (description: string, type = 'VectorData') => ({ description, namespace: 'hdmf-common', neurodata_type: type })

/** The files of an NWB-Zarr store: relative path → bytes. */
export function nwbZarrFiles(options: NwbZarrOptions): Record<string, Uint8Array> {
  const s = new Store()
  const unitsPath = options.unitsPath ?? 'units'
  const links = options.linkUnits && unitsPath !== 'units' ? [{ name: 'units', source: '.', path: `/${unitsPath}` }] : []
  s.group('', { namespace: 'core', neurodata_type: 'NWBFile', nwb_version: '2.7.0', ...(links.length ? { zarr_link: links } : {}) })
  s.array('identifier', [options.identifier ?? 'spikes-zarr'], '|O', { zarr_dtype: 'scalar' })
  s.array('session_description', ['NWB-Zarr fixture of @spikes/testing'], '|O', { zarr_dtype: 'scalar' })
  s.array('session_start_time', ['2025-01-02T03:04:05+00:00'], '|O', { zarr_dtype: 'scalar' })
  s.group('general')
  const parts = unitsPath.split('/')
  for (let i = 1; i < parts.length; i++) s.group(parts.slice(0, i).join('/'))
  const u = options.units
  const colnames = ['spike_times', ...(u.flags ? ['is_good'] : []), ...(u.ragged ? ['amplitudes'] : [])]
  s.group(unitsPath, { colnames, description: 'units', namespace: 'core', neurodata_type: 'Units' })
  const ids = u.ids ?? u.spikeTimes.map((_, i) => i)
  s.array(`${unitsPath}/id`, ids as number[] | string[], typeof ids[0] === 'string' ? '|O' : '<i8', { namespace: 'hdmf-common', neurodata_type: 'ElementIdentifiers' })
  s.array(`${unitsPath}/spike_times`, u.spikeTimes.flat(), '<f8', column('spike times'))
  const ends = (rows: number[][]) => rows.reduce<number[]>((acc, r) => [...acc, (acc.at(-1) ?? 0) + r.length], [])
  const target = (name: string) => ({ value: { path: `/${unitsPath}/${name}`, source: '.' }, zarr_dtype: 'object' })
  s.array(`${unitsPath}/spike_times_index`, ends(u.spikeTimes), '<u4', { ...column('index', 'VectorIndex'), target: target('spike_times') })
  if (u.flags) s.array(`${unitsPath}/is_good`, u.flags, '|b1', column('curated as good'))
  if (u.ragged) {
    s.array(`${unitsPath}/amplitudes`, u.ragged.flat(), '<f8', column('amplitudes'))
    s.array(`${unitsPath}/amplitudes_index`, ends(u.ragged), '<u4', { ...column('index', 'VectorIndex'), target: target('amplitudes') })
  }
  if (options.consolidated) s.files['.zmetadata'] = text({ metadata: s.meta, zarr_consolidated_format: 1 })
  return s.files
}

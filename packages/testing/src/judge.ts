// The corpus README's pass rules, applied to the `spikes load --json` document.
const ABS = 1e-9
const REL = 1e-12
const PATH_META = new Set(['source_file', 'source_folder', 'downloaded_path'])

export function untag(v: any): any {
  if (Array.isArray(v)) return v.map(untag)
  if (v && typeof v === 'object') {
    if ('$bytes' in v) return v.$bytes
    if ('$ndarray' in v) return untag(v.$ndarray)
    if ('$float' in v) return Number(String(v.$float).replace('Infinity', 'Infinity'))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untag(x)]))
  }
  return v
}

export function close(a: any, b: any, rel = REL, abs = ABS): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b
  if (a && typeof a === 'object' && '$float' in a) a = untag(a)
  if (b && typeof b === 'object' && '$float' in b) b = untag(b)
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
    return a === b || Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)))
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i], rel, abs))
  if (a && b && typeof a === 'object' && typeof b === 'object') return Object.keys(a).every((k) => k in b && close(a[k], b[k], rel, abs))
  return a === b
}

/** null when the output passes; otherwise why not. `out` is the load --json document or { error }. */
export function judge(src: Record<string, any>, out: Record<string, any>): string | null {
  if (!src.ok) {
    if (!out.error) return 'expected an error, got a result'
    if (!String(out.error.code ?? '').startsWith('SPIKES_')) return `error without a SPIKES_* code: ${out.error.code} ${out.error.message}`
    return null
  }
  if (out.error) return `expected success, got ${out.error.code}: ${out.error.message}`
  if (out.N !== src.N) return `N ${out.N} != ${src.N}`
  if (!close(out.lengthMs, src.length_ms)) return `lengthMs ${out.lengthMs} != ${src.length_ms}`
  if (!close(out.startTimeMs, src.start_time_ms)) return `startTimeMs ${out.startTimeMs} != ${src.start_time_ms}`
  const trains = out.trains
  if (!Array.isArray(trains) || trains.length !== src.N) return 'trains missing or wrong count'
  if (src.trains_ms != null) {
    for (let i = 0; i < trains.length; i++) if (!close(untag(src.trains_ms[i]), trains[i])) return `unit ${i} train differs (got ${trains[i].length} spikes, want ${src.trains_ms[i].length})`
  } else if (src.trains_digest) {
    const dg = src.trains_digest
    const counts = trains.map((t: number[]) => t.length)
    if (!close(counts, dg.spike_counts)) return 'spike counts differ'
    for (let i = 0; i < trains.length; i++) {
      const sum = trains[i].reduce((a: number, b: number) => a + b, 0)
      if (!close(sum, dg.sums[i], 1e-9)) return `unit ${i} sum differs`
    }
  }
  const nwarn = (out.warnings ?? []).length
  if (nwarn < (src.warnings ?? []).length) return `${nwarn} warnings, expected at least ${src.warnings.length} (${src.warnings.join(' | ')})`
  const naExp = untag(src.neuron_attributes)
  if (naExp != null) {
    const na = out.neuronAttributes
    if (!Array.isArray(na) || na.length !== naExp.length) return 'neuronAttributes missing or wrong length'
    for (let i = 0; i < naExp.length; i++) {
      for (const [k, v] of Object.entries(naExp[i])) {
        const g = untag(na[i])
        if (!g || !(k in g) || !close(v, g[k], 1e-9)) return `neuronAttributes[${i}].${k}: want ${JSON.stringify(v)?.slice(0, 80)}, got ${JSON.stringify(g?.[k])?.slice(0, 80)}`
      }
    }
  }
  const mdExp = untag(src.metadata ?? {})
  const md = untag(out.metadata ?? {})
  for (const [k, v] of Object.entries(mdExp)) {
    if (PATH_META.has(k)) continue
    if (!(k in md) || !close(v, md[k], 1e-9)) return `metadata.${k}: want ${JSON.stringify(v)?.slice(0, 80)}, got ${JSON.stringify(md[k])?.slice(0, 80)}`
  }
  if (src.raw_data != null) {
    if (out.rawData == null || !close(untag(src.raw_data), out.rawData, 1e-7, 1e-9)) return 'rawData differs or missing'
  }
  if (src.raw_time != null) {
    if (out.rawTimeMs == null || !close(untag(src.raw_time), out.rawTimeMs, 1e-9)) return 'rawTimeMs differs or missing'
  }
  return null
}

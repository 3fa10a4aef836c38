// Axis and label arithmetic shared by the figures of the CLI and of browser pages.

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const p = 10 ** Math.floor(Math.log10(raw))
  const f = raw / p
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
}

/** Round values from lo to hi, about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const step = niceStep((hi - lo) / count)
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** A number for a label: no float noise (690.0000000000001 -> 690), at most `digits` significant digits. */
export function formatNumber(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v)
  const rounded = Number(v.toPrecision(digits))
  return Object.is(rounded, -0) ? '0' : String(rounded)
}

/** A duration for people: 690 ms, 1.5 s, 12.25 min (735 s), 1.45 h (5,204 s). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`
  const seconds = (v: number) => `${formatNumber(v, 7)} s`
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(2)} h (${grouped(ms / 1000)} s)`
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(2)} min (${grouped(ms / 1000)} s)`
  if (ms >= 1000) return seconds(Number((ms / 1000).toFixed(3)))
  return `${formatNumber(Number(ms.toFixed(6)))} ms`
}

/** A time on an axis or in a span: seconds with up to 3 decimals, grouped thousands. */
export function formatSeconds(ms: number): string {
  return `${grouped(ms / 1000)} s`
}

function grouped(v: number): string {
  return Number(v.toFixed(3)).toLocaleString('en-US', { maximumFractionDigits: 3 })
}

import { field, matNumbers, type MatStruct } from '@spikes/matlab'

/**
 * Each unit's `[x, y]` from `general.chanCoords` (µm, one entry per channel, indexed by the 1-based channel number as
 * CellExplorer fills it from Phy's channel_map + 1) at its peak channel: `maxWaveformCh1`, else `maxWaveformCh` + 1.
 * Undefined for a unit whose channel or coordinates are missing or not finite.
 */
export function peakChannelLocations(root: MatStruct, units: number): ([number, number] | undefined)[] | undefined {
  const coords = field(field(root, 'general'), 'chanCoords')
  const xs = matNumbers(field(coords, 'x'))
  const ys = matNumbers(field(coords, 'y'))
  const oneBased = matNumbers(field(root, 'maxWaveformCh1'))
  const zeroBased = matNumbers(field(root, 'maxWaveformCh'))
  if (!xs || !ys || xs.length !== ys.length) return undefined
  const channel = (i: number) => (oneBased?.length === units ? Number(oneBased[i]) : zeroBased?.length === units ? Number(zeroBased[i]) + 1 : NaN)
  return Array.from({ length: units }, (_, i) => {
    const ch = channel(i)
    if (!Number.isInteger(ch) || ch < 1 || ch > xs.length) return undefined
    const x = Number(xs[ch - 1])
    const y = Number(ys[ch - 1])
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined
  })
}

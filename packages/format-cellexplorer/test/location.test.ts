import type { MatStruct, MatValue } from '@spikes/matlab'
import { describe, expect, it } from 'vitest'
import { peakChannelLocations } from '../src/lib/location.js'

const numbers = (...values: number[]): MatValue => ({ kind: 'numeric', class: 'double', dims: [1, values.length], data: Float64Array.from(values), logical: false })
const struct = (fields: Record<string, MatValue>): MatStruct => ({ kind: 'struct', dims: [1, 1], fields: Object.keys(fields), elements: [fields] })
const chanCoords = struct({ x: numbers(0, 20, 40, NaN), y: numbers(-10, -30, -50, -70) })

// general.chanCoords.x(k) is channel k (1-based): CellExplorer fills it as chanCoords.x(channel_map + 1) = channel_positions.
describe('peakChannelLocations', () => {
  it('maxWaveformCh1 (1-based) picks the coordinates; a NaN coordinate or a channel out of range gives none', () => {
    const root = struct({ general: struct({ chanCoords }), maxWaveformCh1: numbers(1, 3, 4, 9) })
    expect(peakChannelLocations(root, 4)).toEqual([[0, -10], [40, -50], undefined, undefined])
  })

  it('maxWaveformCh (0-based) when maxWaveformCh1 is absent', () => {
    expect(peakChannelLocations(struct({ general: struct({ chanCoords }), maxWaveformCh: numbers(1, 0) }), 2)).toEqual([[20, -30], [0, -10]])
  })

  it('no chanCoords, or x and y of different lengths: nothing', () => {
    expect(peakChannelLocations(struct({ maxWaveformCh: numbers(1) }), 1)).toBeUndefined()
    const bad = struct({ general: struct({ chanCoords: struct({ x: numbers(1, 2), y: numbers(1) }) }), maxWaveformCh: numbers(0) })
    expect(peakChannelLocations(bad, 1)).toBeUndefined()
  })
})

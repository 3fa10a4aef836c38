import type { MatStruct, MatValue } from '@spikes/matlab'
import { describe, expect, it } from 'vitest'
import { labelsPerUnit } from '../src/lib/labels.js'

const numbers = (...values: number[]): MatValue => ({ kind: 'numeric', class: 'double', dims: [1, values.length], data: Float64Array.from(values), logical: false })
const struct = (fields: Record<string, MatValue>): MatStruct => ({ kind: 'struct', dims: [1, 1], fields: Object.keys(fields), elements: [fields] })

// CellExplorer keeps tags, groups and groundTruthClassification as structs whose fields are labels listing the
// 1-based indices of the cells that carry them (its own filter code indexes cells with them).
describe('labelsPerUnit', () => {
  it('turns label → cell indices into each unit’s labels, in field order', () => {
    const value = struct({ Good: numbers(1, 3), Bursty: numbers(3), Unused: numbers() })
    expect(labelsPerUnit(value, 3)).toEqual({ labels: [['Good'], [], ['Good', 'Bursty']], ignored: [] })
  })

  it('indices outside 1..N, fractions and non-numeric fields are reported, not used', () => {
    const text: MatValue = { kind: 'char', dims: [1, 2], rows: ['no'] }
    expect(labelsPerUnit(struct({ A: numbers(0, 2, 4, 1.5), B: text }), 2)).toEqual({ labels: [[], ['A']], ignored: ['A', 'B'] })
  })

  it('a struct without labels, or no struct, gives nothing', () => {
    expect(labelsPerUnit(struct({}), 2)).toBeUndefined()
    expect(labelsPerUnit(numbers(1), 2)).toBeUndefined()
    expect(labelsPerUnit(undefined, 2)).toBeUndefined()
  })
})

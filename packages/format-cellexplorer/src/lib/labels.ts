import { matNumbers, type MatValue } from '@spikes/matlab'

/**
 * CellExplorer's label structs: each field is a label (a tag, a group, a ground-truth cell type), its value the
 * 1-based indices of the cells that carry it (`cell_metrics.tags.Good = [1 5 7]`).
 */
export const LABEL_STRUCTS = ['tags', 'groups', 'groundTruthClassification'] as const

/**
 * Each unit's labels from one label struct, in field order; undefined when the value is not a struct with
 * labels. `ignored` names the labels whose value is not numeric or holds an index outside 1..units.
 */
export function labelsPerUnit(value: MatValue | undefined, units: number): { labels: string[][]; ignored: string[] } | undefined {
  if (value?.kind !== 'struct' || value.elements.length !== 1 || value.fields.length === 0) return undefined
  const labels = Array.from({ length: units }, () => [] as string[])
  const ignored: string[] = []
  for (const name of value.fields) {
    const indices = matNumbers(value.elements[0][name])
    if (!indices) {
      ignored.push(name)
      continue
    }
    for (const index of Array.from(indices, Number)) {
      if (Number.isInteger(index) && index >= 1 && index <= units) {
        if (!labels[index - 1].includes(name)) labels[index - 1].push(name)
      } else if (!ignored.includes(name)) ignored.push(name)
    }
  }
  return { labels, ignored }
}

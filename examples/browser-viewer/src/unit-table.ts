import type { UnitRow } from '@spikes/core/figures'

/** The columns of the unit table, and the row field each one sorts by. */
export const COLUMNS = [
  ['id', 'unit id'],
  ['spikes', 'spikes'],
  ['rateHz', 'rate (Hz)'],
  ['electrode', 'electrode'],
  ['label', 'label'],
] as const
export type SortKey = (typeof COLUMNS)[number][0]

export interface Sort {
  key: SortKey
  descending: boolean
}

/** Unit indices in table order: numbers as numbers, missing values last, ties by position. */
export function sortRows(rows: readonly UnitRow[], sort: Sort): number[] {
  const value = (r: UnitRow): string | number | undefined => (sort.key === 'id' && /^-?\d+(\.\d+)?$/.test(r.id) ? Number(r.id) : r[sort.key])
  return [...rows]
    .sort((a, b) => {
      const va = value(a)
      const vb = value(b)
      if (va === undefined || vb === undefined) return va === vb ? a.index - b.index : va === undefined ? 1 : -1
      const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true })
      return (sort.descending ? -order : order) || a.index - b.index
    })
    .map((r) => r.index)
}

/** A table of the units, sorted by `sort`; clicking a header calls `onSort` with the new order. */
export function renderTable(table: HTMLTableElement, rows: readonly UnitRow[], order: readonly number[], sort: Sort, onSort: (sort: Sort) => void): void {
  table.innerHTML = ''
  const head = table.createTHead().insertRow()
  for (const [key, title] of COLUMNS) {
    const th = document.createElement('th')
    th.textContent = title + (sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : '')
    th.dataset.key = key
    th.style.cursor = 'pointer'
    th.onclick = () => onSort({ key, descending: sort.key === key ? !sort.descending : key === 'spikes' || key === 'rateHz' })
    head.append(th)
  }
  const body = table.createTBody()
  for (const index of order) {
    const r = rows[index]
    const tr = body.insertRow()
    for (const cell of [r.id, r.spikes.toLocaleString('en-US'), r.rateHz.toFixed(2), r.electrode ?? '', r.label ?? '']) tr.insertCell().textContent = String(cell)
  }
}

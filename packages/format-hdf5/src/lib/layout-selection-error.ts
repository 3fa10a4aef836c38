import { SelectionRequiredError, type Hint } from '@spikes/core'
import type { LayoutCandidate } from './detect-layout.js'

// Hints written from the candidates' own options: `available` lists layouts ('ragged: /a + /b') or datasets, not
// values an option takes, and a layout may need two options.
const LAYOUT_OPTIONS = 'rasterDataset|spikeTimesDataset|groupPerUnit|idcesDataset'

/** Several layouts fit: a hint per way to choose, each with every option that layout needs. */
export function ambiguousLayoutError(fileName: string, pool: LayoutCandidate[]): SelectionRequiredError {
  const available = pool.map((c) => `${c.layout}: ${c.paths.join(' + ')}`)
  const keys = new Set(pool.map((c) => Object.keys(c.options).join(',')))
  const what = `${fileName} matches ${pool.length} spike layouts, so none was chosen.`
  if (keys.size === 1 && Object.keys(pool[0].options).length === 1) {
    const [option] = Object.keys(pool[0].options)
    const others = pool.slice(1).map((c) => c.options[option])
    const hint: Hint = { kind: 'option', option, example: pool[0].options[option], why: `to choose one (or ${others.join(', ')})` }
    return new SelectionRequiredError(option, available, what, [hint])
  }
  const option = new Set(pool.map((c) => c.layout)).size === 1 ? Object.keys(pool[0].options)[0] : LAYOUT_OPTIONS
  const sets = pool.map((c) => `${JSON.stringify(c.options)} for ${c.layout}`)
  const text = `Choose one layout by passing all of its options (CLI: --options '<json>'): ${sets.slice(0, -1).join(', ')}, or ${sets[sets.length - 1]}.`
  return new SelectionRequiredError(option, available, what, [{ kind: 'text', text }])
}

/** No layout fits: 2-D numeric matrices that are not rasters are most likely raw traces, for hdf5-threshold. */
export function noLayoutError(fileName: string, datasets: string[], matrices: string[]): SelectionRequiredError {
  const hints: Hint[] = []
  if (matrices.length > 0) {
    const m = matrices[0]
    hints.push({ kind: 'load-option', option: 'format', example: 'hdf5-threshold', why: `to detect spikes by thresholding the raw traces in ${m} (with the options dataset: '${m}' and fsHz)` })
  }
  const layouts = 'rasterDataset (with rasterBinSizeMs), spikeTimesDataset with spikeTimesIndexDataset, groupPerUnit, or idcesDataset with timesDataset'
  hints.push({ kind: 'text', text: `${hints.length ? 'Or name' : 'Name'} the spike datasets of one layout: ${layouts}.` })
  return new SelectionRequiredError(
    LAYOUT_OPTIONS,
    datasets,
    `No spike layout (raster, ragged spike_times + index, group per unit, paired idces + times) was recognised in ${fileName}; the datasets in the file are listed.`,
    hints,
  )
}

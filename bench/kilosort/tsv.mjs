#!/usr/bin/env node
// bench/kilosort/tsv: Phy/KiloSort cluster tables read by parseTsv (csv-parse underneath) against the
// split-based parser it replaced (kept below as the baseline, as it was at commit cf26b5f), on the real
// cluster_*.tsv files in ../shared/realdata/kilosort_phy (when present) and a generated cluster_info.tsv
// of N rows x 12 columns. Checks both give the same table, then prints the median time of each and the ratio.
// Usage: node bench/kilosort/tsv.mjs [--rows N] [--repeat N]   (run `npx tsc -b packages/format-kilosort` first)
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath } from 'node:url'
import { numberArg } from '../lib.mjs'

const rows = numberArg('--rows', 5000)
const repeat = numberArg('--repeat', 200)
const { parseTsv } = await import('@spikes/format-kilosort')

function splitParseTsv(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  let header
  const out = []
  for (const line of lines) {
    if (line.trim() === '') continue
    const cells = line.split('\t').map(cleanCell)
    if (!header) header = cells
    else {
      while (cells.length < header.length) cells.push('')
      out.push(cells)
    }
  }
  return header ? { columns: header, rows: out } : undefined
}

function cleanCell(cell) {
  let c = cell.trim()
  if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1).replace(/""/g, '"').trim()
  return c
}

function generatedClusterInfo(n) {
  const head = 'cluster_id\tAmplitude\tContamPct\tKSLabel\tamp\tch\tdepth\tfr\tgroup\tn_spikes\tsh\tnote'
  const labels = ['good', 'mua', 'noise']
  const lines = Array.from({ length: n }, (_, i) => [i, (20 + (i % 97) * 0.37).toFixed(6), ((i * 7) % 100).toFixed(1), labels[i % 3], (50 + (i % 13) * 1.25).toFixed(5), i % 384, (i % 384) * 10, ((i % 50) * 0.731).toFixed(6), labels[(i + 1) % 3], 1000 + i * 3, 0, i % 5 ? '' : '"merged"'].join('\t'))
  return [head, ...lines].join('\r\n') + '\r\n'
}

function median(fn, text) {
  const times = []
  for (let i = 0; i < repeat; i++) {
    const t = performance.now()
    fn(text)
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[times.length >> 1]
}

const inputs = [[`generated cluster_info.tsv (${rows} rows x 12)`, generatedClusterInfo(rows)]]
const real = fileURLToPath(new URL('../../../shared/realdata/kilosort_phy', import.meta.url))
if (existsSync(real)) {
  for (const dir of readdirSync(real)) {
    const folder = join(real, dir)
    for (const f of existsSync(folder) ? readdirSync(folder).filter((f) => /^cluster_.*\.tsv$/.test(f)) : []) inputs.push([`${dir}/${f}`, readFileSync(join(folder, f), 'utf8')])
  }
} else console.log(`(no ${real}: real files skipped)`)

console.log(`bench/kilosort/tsv: parseTsv (csv-parse) against the split-based parser it replaced, median of ${repeat}`)
let sumNew = 0
let sumOld = 0
for (const [name, text] of inputs) {
  if (!isDeepStrictEqual(parseTsv(text), splitParseTsv(text))) throw new Error(`${name}: the two parsers disagree`)
  for (let i = 0; i < 20; i++) parseTsv(text), splitParseTsv(text)
  const now = median(parseTsv, text)
  const before = median(splitParseTsv, text)
  sumNew += now
  sumOld += before
  const lines = text.split('\n').length - 1
  console.log(`  ${name.padEnd(58)} ${String(lines).padStart(6)} lines   csv-parse ${now.toFixed(3)} ms   split ${before.toFixed(3)} ms   ratio ${(now / before).toFixed(2)}x`)
}
console.log(`  all ${inputs.length} tables (same output)${' '.repeat(37)}csv-parse ${sumNew.toFixed(3)} ms   split ${sumOld.toFixed(3)} ms   ratio ${(sumNew / sumOld).toFixed(2)}x`)

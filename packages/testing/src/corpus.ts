import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join, normalize } from 'node:path'
import { CORPUS_DIR } from './paths.js'

export const LOADER_TO_FORMAT: Readonly<Record<string, string>> = {
  load_spikedata_from_hdf5: 'hdf5',
  load_spikedata_from_hdf5_raw_thresholded: 'hdf5-threshold',
  load_spikedata_from_nwb: 'nwb',
  load_spikedata_from_kilosort: 'kilosort',
  load_spikedata_from_spikelab_sorted_npz: 'spikelab-npz',
  load_spikedata_from_pickle: 'pickle',
  'port:load_spikedata_from_alf_folder': 'alf',
}

const INPUT_ARGS = ['filepath', 'folder']
const DROP_ARGS = ['prefer_pynwb']

export interface CorpusCase {
  name: string
  dir: string
  expected: Record<string, any>
}

export interface CaseCall {
  format: string
  input: string
  options: Record<string, unknown>
}

export function listCases(prefix = '', corpusDir = CORPUS_DIR): CorpusCase[] {
  if (!existsSync(corpusDir)) return []
  return readdirSync(corpusDir)
    .filter((name) => name.startsWith(prefix) && existsSync(join(corpusDir, name, 'expected.json')))
    .sort()
    .map((name) => ({ name, dir: join(corpusDir, name), expected: JSON.parse(readFileSync(join(corpusDir, name, 'expected.json'), 'utf8')) }))
}

export function camel(name: string): string {
  return name.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
}

function camelOptions(value: unknown, key?: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && key !== 'metadata') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelOptions(v, k)]))
  }
  return value
}

/** The `spikes load` call a case stands for (corpus README, "How a case is run"). */
export function caseCall(c: CorpusCase, variant: Record<string, any> = c.expected): CaseCall {
  const format = LOADER_TO_FORMAT[c.expected.loader]
  const args: Record<string, unknown> = { ...(variant.args ?? c.expected.args) }
  let input = ''
  for (const k of INPUT_ARGS) {
    if (k in args) {
      input = normalize(join(c.dir, String(args[k])))
      delete args[k]
    }
  }
  for (const k of DROP_ARGS) delete args[k]
  const options = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), camelOptions(v, k)]))
  return { format, input, options }
}

/** The variants a case is judged on: the main expectation, and a metadata-only one when present. */
export function caseVariants(c: CorpusCase): Record<string, any>[] {
  const variants = [c.expected.port_expected ?? c.expected]
  if (c.expected.metadata_only_expected) variants.push(c.expected.metadata_only_expected)
  return variants
}

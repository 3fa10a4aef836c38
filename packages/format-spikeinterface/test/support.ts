import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { container, loadSpikeData, type DependencyContainer, type FolderSource, type SpikeData } from '@spikes/core'
import { npyFile } from '@spikes/testing'
import { registerSpikeinterface } from '../src/index.js'

/** Absolute path of a fixture under test/data. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./data/${name}`, import.meta.url))

/** What generate.py recorded with numpy: unit ids and, per segment, each unit's sample indices. */
export interface Expected {
  unit_ids: (number | string)[]
  sampling_frequency: number
  segments: number[][][]
}

/** The `<name>.expected.json` written beside a fixture by generate.py. */
export function expected(name: string): Expected {
  return JSON.parse(readFileSync(fixture(`${name}.expected.json`), 'utf8')) as Expected
}

/** A child container with this package's loaders. */
export function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerSpikeinterface(c)
  return c
}

/** SpikeLab's conversion, in its operation order. */
export const toMs = (samples: number[], fs: number): number[] => samples.map((s) => (s / fs) * 1e3)

/** A numpy .npy file (format 1.0) with the given header dict text and raw data bytes. */
export const npyBytes = npyFile

/** A SpikeInterface spike vector (three little-endian int64 fields) from [sample, unit, segment] rows. */
export function spikeVector(rows: [number, number, number][], descr = "[('sample_index', '<i8'), ('unit_index', '<i8'), ('segment_index', '<i8')]"): Uint8Array {
  const data = new Uint8Array(rows.length * 24)
  const view = new DataView(data.buffer)
  rows.forEach(([s, u, g], i) => {
    view.setBigInt64(i * 24, BigInt(s), true)
    view.setBigInt64(i * 24 + 8, BigInt(u), true)
    view.setBigInt64(i * 24 + 16, BigInt(g), true)
  })
  return npyBytes(`{'descr': ${descr}, 'fortran_order': False, 'shape': (${rows.length},), }`, data)
}

/** A numpy int64 vector. */
export function int64Npy(values: number[]): Uint8Array {
  const data = new Uint8Array(values.length * 8)
  const view = new DataView(data.buffer)
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true))
  return npyBytes(`{'descr': '<i8', 'fortran_order': False, 'shape': (${values.length},), }`, data)
}

/** numpysorting_info.json text. */
export const info = (unitIds: (number | string)[], fs: unknown = 30000, numSegments: unknown = 1): string => JSON.stringify({ sampling_frequency: fs, unit_ids: unitIds, num_segments: numSegments })

/** A loaded SpikeData with the warnings raised while loading. */
export type Loaded = SpikeData & { warnings: readonly { code: string; message: string }[] }

/** Loads `input` with this package's loaders only (auto-detected unless `format` is given). */
export const load = async (input: string | FolderSource, options: Record<string, unknown> = {}, format?: string): Promise<Loaded> =>
  (await loadSpikeData(input, { container: makeContainer(), options, ...(format ? { format } : {}) })) as Loaded

/** Every train as a plain array, for comparisons. */
export const trains = (sd: SpikeData): number[][] => Array.from({ length: sd.N }, (_, i) => Array.from(sd.train(i)))

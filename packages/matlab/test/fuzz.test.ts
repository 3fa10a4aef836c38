import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource } from '@spikes/core'
import { fuzzFile, realdata } from '@spikes/testing'
import { readMat } from '../src/index.js'

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)))
const BUDGET = { maxBytes: 64 * 1024 * 1024 }
const REAL = realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')
const SEEDS = [
  { name: 'v5-compressed.mat', bytes: fixture('v5-compressed.mat') },
  { name: 'v5-plain.mat', bytes: fixture('v5-plain.mat') },
  ...(existsSync(REAL) ? [{ name: 'cellexplorer.mat', bytes: readFileSync(REAL) }] : []),
]

describe('fuzz: mutated Level 5 MAT-files give variables or a SpikesError, quickly and within budget', () => {
  it.each(SEEDS.map((s) => [s.name, s]))('%s: 400 mutations', async (_name, seed) => {
    const counts = await fuzzFile(seed.name, seed.bytes, (bytes) => readMat(bytesSource(bytes, seed.name), BUDGET), { count: 400, seed: 11 })
    expect(counts.error).toBeGreaterThan(0)
  })
})

describe('fuzz: mutated v7.3 MAT-files (HDF5) give variables or a SpikesError, quickly and within budget', () => {
  it.each(['v73.mat', 'v73-dag.mat'])('%s: 150 mutations', async (name) => {
    const counts = await fuzzFile(name, fixture(name), (bytes) => readMat(bytesSource(bytes, name), BUDGET), { count: 150, seed: 13, maxMs: 5000 })
    expect(counts.error).toBeGreaterThan(0)
  })
})

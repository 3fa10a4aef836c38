import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, isSpikesError } from '@spikes/core'
import { mutations, realdata } from '@spikes/testing'
import { readMat } from '../src/index.js'

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)))
const REAL = realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')
const SEEDS = [
  { name: 'v5-compressed.mat', bytes: fixture('v5-compressed.mat') },
  { name: 'v5-plain.mat', bytes: fixture('v5-plain.mat') },
  ...(existsSync(REAL) ? [{ name: 'cellexplorer.mat', bytes: readFileSync(REAL) }] : []),
]

describe('fuzz: mutated Level 5 MAT-files give variables or a SpikesError, quickly and within budget', () => {
  it.each(SEEDS.map((s) => [s.name, s]))('%s: 400 mutations', async (_name, seed) => {
    let errors = 0
    for (const { kind, bytes } of mutations(seed.bytes, 400, 11)) {
      const t0 = performance.now()
      try {
        await readMat(bytesSource(bytes, seed.name), { maxBytes: 64 * 1024 * 1024 })
      } catch (error) {
        if (!isSpikesError(error)) throw new Error(`${kind} mutation of ${seed.name} threw a non-SpikesError: ${(error as Error)?.stack ?? error}`)
        errors++
      }
      expect(performance.now() - t0, `${kind} mutation of ${seed.name} took too long`).toBeLessThan(2000)
    }
    expect(errors).toBeGreaterThan(0)
  })
})

describe('fuzz: mutated v7.3 MAT-files (HDF5) give variables or a SpikesError, quickly and within budget', () => {
  it.each(['v73.mat', 'v73-dag.mat'])('%s: 150 mutations', async (name) => {
    let errors = 0
    for (const { kind, bytes } of mutations(fixture(name), 150, 13)) {
      const t0 = performance.now()
      try {
        await readMat(bytesSource(bytes, name), { maxBytes: 64 * 1024 * 1024 })
      } catch (error) {
        if (!isSpikesError(error)) throw new Error(`${kind} mutation of ${name} threw a non-SpikesError: ${(error as Error)?.stack ?? error}`)
        errors++
      }
      expect(performance.now() - t0, `${kind} mutation of ${name} took too long`).toBeLessThan(5000)
    }
    expect(errors).toBeGreaterThan(0)
  })
})

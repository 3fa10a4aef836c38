// Every loader, fed corrupted copies of real corpus inputs, must return a SpikeData or throw a
// SpikesError: no other exception, no crash, no hang. Runs through loadSpikeData with the format forced.
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { container, isSpikesError, loadSpikeData, SpikeData, type DependencyContainer } from '@spikes/core'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerNwb } from '@spikes/format-nwb'
import { registerPickle } from '@spikes/format-pickle'
import { CORPUS_DIR, IN_CI, sharedAvailable } from '../src/paths.js'
import { caseCall, listCases } from '../src/corpus.js'
import { mutations } from '../src/mutate.js'

const ITERATIONS = Number(process.env.SPIKES_FUZZ_ITERATIONS ?? 60)

function allFormats(): DependencyContainer {
  const c = container.createChildContainer()
  registerHdf5(c)
  registerNwb(c)
  registerPickle(c)
  return c
}

/** One file-input case per format whose input is a single file. */
const SEEDS: Record<string, string> = {
  hdf5: 'h5_ragged_cumulative_s',
  'hdf5-threshold': 'thr_nofilter_up',
  nwb: 'nwb_genuine_pynwb_basic',
  pickle: 'pkl_basic_protocol4',
  'spikelab-npz': 'npz_full_units',
}

describe('corrupted inputs give a value or a SpikesError', () => {
  if (!sharedAvailable(CORPUS_DIR)) {
    it.runIf(IN_CI)('the corpus is present', () => expect(sharedAvailable(CORPUS_DIR)).toBe(true))
    return
  }
  const c = allFormats()
  for (const [format, caseName] of Object.entries(SEEDS)) {
    const [cse] = listCases(caseName).filter((x) => x.name === caseName)
    it(`${format} (${ITERATIONS} mutations of ${caseName})`, async () => {
      expect(cse, caseName).toBeDefined()
      const call = caseCall(cse)
      expect(existsSync(call.input)).toBe(true)
      const original = readFileSync(call.input)
      const outcomes = { value: 0, error: 0 }
      for (const m of mutations(new Uint8Array(original), ITERATIONS, 7)) {
        try {
          const sd = await loadSpikeData(m.bytes, { container: c, format, options: call.options })
          expect(sd).toBeInstanceOf(SpikeData)
          outcomes.value++
        } catch (error) {
          if (!isSpikesError(error)) throw new Error(`${format} ${m.kind}: ${(error as Error)?.stack ?? error}`)
          outcomes.error++
        }
      }
      expect(outcomes.value + outcomes.error).toBe(ITERATIONS)
      expect(outcomes.error).toBeGreaterThan(0)
    }, 120_000)
  }
})

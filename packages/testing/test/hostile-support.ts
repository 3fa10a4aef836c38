// Runs the hostile cases of one class (src/hostile/cases.mjs): each is built in a temporary folder and loaded through
// loadSpikeData with its format forced and, where the case allows, auto-detected; each must end exactly as stated.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { container, loadSpikeData, type DependencyContainer, type SpikeData, type SpikesWarning } from '@spikes/core'
import '@spikes/core/node'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { registerNwb } from '@spikes/format-nwb'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerPickle } from '@spikes/format-pickle'
import { registerSpikeinterface } from '@spikes/format-spikeinterface'
import { buildHostileCase, HOSTILE_CASES, type HostileCase } from '../src/index.js'

function everyFormat(): DependencyContainer {
  const c = container.createChildContainer()
  for (const register of [registerNwb, registerHdf5, registerKilosort, registerPickle, registerSpikeinterface, registerIbl]) register(c)
  return c
}

async function outcome(input: string, format: string | undefined, options: Record<string, unknown> | undefined, c: DependencyContainer): Promise<{ sd?: SpikeData; warnings: SpikesWarning[]; error?: Record<string, unknown> }> {
  const warnings: SpikesWarning[] = []
  try {
    const sd = await loadSpikeData(input, { container: c, onWarning: (w) => warnings.push(w), ...(format ? { format } : {}), ...(options ? { options } : {}) })
    return { sd, warnings }
  } catch (error) {
    return { warnings, error: error as Record<string, unknown> }
  }
}

function check(c: HostileCase, result: Awaited<ReturnType<typeof outcome>>, how: string): void {
  if (c.error) {
    expect(result.error, `${c.id} (${how}) should fail with ${c.error.code}`).toBeDefined()
    expect(result.error, `${c.id} (${how})`).toMatchObject({ code: c.error.code, ...(c.error.fields ?? {}) })
    return
  }
  expect(result.error, `${c.id} (${how}) should load`).toBeUndefined()
  const sd = result.sd!
  expect(sd.N).toBe(c.loads!.N)
  c.loads!.trains?.forEach((train, i) => {
    const got = Array.from(sd.train(i))
    expect(got).toHaveLength(train.length)
    got.forEach((v, k) => expect(v).toBeCloseTo(train[k], 9))
  })
  const codes = result.warnings.map((w) => w.code).filter((code) => c.loads!.warnings?.includes(code))
  expect(codes, `${c.id} (${how}) warnings`).toEqual(c.loads!.warnings ?? [])
}

/** Declares one test per case of `klass` (forced format, then auto-detection where the case allows it). */
export function describeHostileClass(klass: HostileCase['klass']): void {
  const root = mkdtempSync(join(tmpdir(), `spikes-hostile-${klass}-`))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const c = everyFormat()
  for (const hostile of HOSTILE_CASES.filter((x) => x.klass === klass)) {
    it.skipIf(hostile.posix && process.platform === 'win32')(hostile.id, async () => {
      const { input, options } = await buildHostileCase(hostile, root)
      check(hostile, await outcome(input, hostile.format, options, c), `--format ${hostile.format}`)
      if (hostile.auto) check(hostile, await outcome(input, undefined, options, c), 'auto-detected')
    })
  }
}

// Corrupted SpikeInterface folders (sortings and recordings) and .npz files: every load ends in a SpikeData or a SpikesError, quickly.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { container, isSpikesError, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, mutations } from '@spikes/testing'
import { registerSpikeinterface } from '../src/index.js'

const DATA = fileURLToPath(new URL('./data/', import.meta.url))

const folders = readdirSync(DATA).filter((n) => n.startsWith('si-') && statSync(join(DATA, n)).isDirectory())
const npzFiles = readdirSync(DATA).filter((n) => n.endsWith('.npz'))

async function outcome(input: Parameters<typeof loadSpikeData>[0], format?: string): Promise<'value' | 'error'> {
  const c = container.createChildContainer()
  registerSpikeinterface(c)
  try {
    await loadSpikeData(input, { container: c, format, options: {} })
    return 'value'
  } catch (error) {
    if (!isSpikesError(error)) throw error
    return 'error'
  }
}

describe('fuzz: mutated SpikeInterface sortings and recordings give a SpikeData or a SpikesError', () => {
  it('has seed folders and files', () => {
    expect(folders.length).toBeGreaterThanOrEqual(5)
    expect(npzFiles.length).toBeGreaterThanOrEqual(2)
  })

  it('mutates every file of every seed folder (about 2,000 loads, half auto-detected)', async () => {
    const counts = { value: 0, error: 0 }
    let i = 0
    for (const folder of folders) {
      const files = filesOf(join(DATA, folder))
      for (const [path, bytes] of Object.entries(files)) {
        for (const m of mutations(bytes, 64, ++i)) {
          const t0 = performance.now()
          const format = i % 2 ? (folder.startsWith('si-rec') ? 'spikeinterface-recording' : 'spikeinterface') : undefined
          const result = await outcome(memoryFolder({ ...files, [path]: m.bytes }, folder), format).catch((error: unknown) => {
            throw new Error(`${folder}/${path} (${m.kind}): ${(error as Error)?.stack ?? error}`)
          })
          counts[result]++
          expect(performance.now() - t0, `${folder}/${path} (${m.kind}) took too long`).toBeLessThan(2000)
        }
      }
    }
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value + counts.error).toBeGreaterThan(1500)
  }, 120_000)

  it('mutates the NpzSortingExtractor files (1,000 loads)', async () => {
    const counts = { value: 0, error: 0 }
    for (const name of npzFiles) {
      const bytes = readFileSync(join(DATA, name))
      for (const m of mutations(bytes, 500, 7)) {
        const result = await outcome(new Blob([m.bytes.slice()]), 'spikeinterface-npz').catch((error: unknown) => {
          throw new Error(`${name} (${m.kind}): ${(error as Error)?.stack ?? error}`)
        })
        counts[result]++
      }
    }
    expect(counts.error).toBeGreaterThan(100)
  }, 120_000)
})

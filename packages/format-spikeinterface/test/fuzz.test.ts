// Corrupted SpikeInterface folders (sortings and recordings) and .npz files: every load ends in a SpikeData or a SpikesError, quickly.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, fuzzFile, fuzzFolders } from '@spikes/testing'
import { registerSpikeinterface } from '../src/index.js'

const DATA = fileURLToPath(new URL('./data/', import.meta.url))

const folders = readdirSync(DATA).filter((n) => n.startsWith('si-') && statSync(join(DATA, n)).isDirectory())
const npzFiles = readdirSync(DATA).filter((n) => n.endsWith('.npz'))

function load(input: Parameters<typeof loadSpikeData>[0], format?: string) {
  const c = container.createChildContainer()
  registerSpikeinterface(c)
  return loadSpikeData(input, { container: c, format, options: {} })
}

describe('fuzz: mutated SpikeInterface sortings and recordings give a SpikeData or a SpikesError', () => {
  it('has seed folders and files', () => {
    expect(folders.length).toBeGreaterThanOrEqual(5)
    expect(npzFiles.length).toBeGreaterThanOrEqual(2)
  })

  it('mutates every file of every seed folder (about 2,000 loads, half auto-detected)', async () => {
    const seeds = Object.fromEntries(folders.map((folder) => [folder, filesOf(join(DATA, folder))]))
    const forcedFormat = (folder: string) => (folder.startsWith('si-rec') ? 'spikeinterface-recording' : 'spikeinterface')
    const counts = await fuzzFolders(seeds, (files, { seed, forced }) => load(memoryFolder(files, seed), forced ? forcedFormat(seed) : undefined), { count: () => 64 })
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value + counts.error).toBeGreaterThan(1500)
  }, 120_000)

  it('mutates the NpzSortingExtractor files (1,000 loads)', async () => {
    let errors = 0
    for (const name of npzFiles) {
      const counts = await fuzzFile(name, readFileSync(join(DATA, name)), (bytes) => load(new Blob([bytes.slice()]), 'spikeinterface-npz'), { count: 500, seed: 7 })
      errors += counts.error
    }
    expect(errors).toBeGreaterThan(100)
  }, 120_000)
})

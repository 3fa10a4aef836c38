import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesSource, type ByteSource } from '@spikes/core'
import { loadH5wasm, openTree } from '../src/index.js'

// The tree reader's round trips grow with the depth of the tree, not with the number of objects: a file of
// 300 groups, each with attributes and a 32 KiB dataset between them (so that their headers are spread over
// ~150 blocks of 64 KiB), is walked in a handful of rounds, each a batch of reads in flight together.
const GROUPS = 300
let dir: string
let bytes: Uint8Array

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spikes-tree-rounds-'))
  const h5 = await loadH5wasm()
  const path = join(dir, 'wide.h5')
  const f = new h5.File(path, 'w')
  for (let g = 0; g < GROUPS; g++) {
    const group = f.create_group(`table_${String(g).padStart(3, '0')}`)
    group.create_attribute('index', g, null, '<i4')
    group.create_attribute('label', `group ${g}`)
    group.create_dataset({ name: 'values', data: Float64Array.from({ length: 4096 }, (_, i) => g + i / 4096) })
  }
  f.close()
  bytes = new Uint8Array(readFileSync(path))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tree reader round trips', () => {
  it('walks 300 groups spread over the file in a few rounds of batched reads', async () => {
    let inFlight = 0
    let most = 0
    const inner = bytesSource(bytes, 'wide.h5')
    const slow: ByteSource = {
      ...inner,
      readInto: undefined,
      read: async (offset, length) => {
        most = Math.max(most, ++inFlight)
        await new Promise((r) => setTimeout(r, 2)) // a network's latency: reads of one round overlap
        inFlight--
        return inner.read(offset, length)
      },
    }
    const tree = await openTree(slow, { readAhead: false })
    expect(tree.list('/')).toHaveLength(GROUPS)
    expect(tree.attr('/table_123', 'index')).toBe(123)
    expect(tree.attr('/table_299', 'label')).toBe('group 299')
    expect(tree.dataset('/table_007/values').shape).toEqual([4096])
    const stats = tree.stats
    console.log(`wide file: ${stats.rounds} rounds, ${stats.requests} reads, at most ${most} in flight, ${bytes.length} bytes`)
    // Superblock, root header, root's B-tree and heap, then one round per level: far fewer than the 600 objects.
    expect(stats.rounds).toBeLessThanOrEqual(12)
    expect(stats.requests).toBeLessThan(GROUPS / 5)
    expect(bytes.length).toBeGreaterThan(GROUPS * 32 * 1024)
    expect(most).toBeGreaterThan(4)
    expect(most).toBeLessThanOrEqual(16)
    const values = await tree.dataset('/table_042/values').readNumericAsync()
    expect(values[0]).toBe(42)
    expect(values[4095]).toBe(42 + 4095 / 4096)
  })
})

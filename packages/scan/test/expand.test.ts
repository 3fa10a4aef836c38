import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandSources, scanSetup } from '../src/index.js'

describe('expandSources', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-expand-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  writeFileSync(join(root, 'notes.txt'), 'not a recording')
  writeFileSync(join(root, 'table.csv'), 'a,b\n1,2\n')

  it('lists a file skipped once when sources overlap, as it lists a recording once', async () => {
    const container = await scanSetup()
    const once = await expandSources([root], { container })
    const twice = await expandSources([root, root, join(root, '.')], { container })
    expect(once.skipped.map((s) => s.source)).toEqual([join(root, 'notes.txt'), join(root, 'table.csv')])
    expect(twice.skipped).toEqual(once.skipped)
  })
})

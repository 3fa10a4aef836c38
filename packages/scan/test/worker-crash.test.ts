import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scan } from '../src/index.js'
import { readRows } from './support/tree.js'

describe('a worker that dies', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-crash-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('turns its recording into an error row and the scan goes on with a fresh worker', async () => {
    for (const name of ['a.ok', 'b.crash', 'c.ok', 'd.crash', 'e.ok']) writeFileSync(join(root, name), 'x')
    const setup = new URL('./support/crash-setup.ts', import.meta.url).href
    const summary = await scan({ sources: [join(root, 'a.ok'), join(root, 'b.crash'), join(root, 'c.ok'), join(root, 'd.crash'), join(root, 'e.ok')], out: join(root, 'out'), jobs: 1, inFlight: 1, setup })
    expect(summary).toMatchObject({ recordings: 5, ok: 3, failed: 2 })
    expect(summary.workers[0]).toMatchObject({ recordings: 5, restarts: 2 })
    const rows = await readRows(join(root, 'out', 'recordings.parquet'))
    expect(rows.map((r) => [String(r.source).slice(root.length + 1), r.status, r.error_code])).toEqual([
      ['a.ok', 'ok', null],
      ['b.crash', 'error', 'SPIKES_SCAN_WORKER_EXITED'],
      ['c.ok', 'ok', null],
      ['d.crash', 'error', 'SPIKES_SCAN_WORKER_EXITED'],
      ['e.ok', 'ok', null],
    ])
    expect(rows[1].error_message).toContain('signal SIGKILL')
    expect(rows[0]).toMatchObject({ format: 'crash-test', n_units: 1n, n_spikes: 2n })
  })
})

// A scan writes only into a folder that holds no files of the names it writes, or its own earlier scan
// (with --resume): a user's own units.parquet or skipped.json is never replaced.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mergeShards, scan } from '../src/index.js'
import { readRows } from './support/tree.js'

describe('the output folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-out-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const setup = new URL('./support/wait-setup.ts', import.meta.url).href
  const source = join(root, 'r0-3.wait')
  writeFileSync(source, 'x')

  for (const name of ['units.parquet', 'skipped.json', 'ledger.ndjson']) {
    it(`refuses a folder holding a ${name} of its own, with or without resume, and leaves it as it was`, async () => {
      const out = join(root, `own-${name}`)
      mkdirSync(out)
      writeFileSync(join(out, name), 'the user’s own file')
      for (const resume of [false, true]) {
        await expect(scan({ sources: [source], out, jobs: 1, setup, resume })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'out', message: expect.stringContaining(name) })
      }
      expect(readFileSync(join(out, name), 'utf8')).toBe('the user’s own file')
    })
  }

  it('writes into a folder with other files, and --resume continues its own scan there', async () => {
    const out = join(root, 'mixed')
    mkdirSync(out)
    writeFileSync(join(out, 'notes.txt'), 'kept')
    expect(await scan({ sources: [source], out, jobs: 1, setup })).toMatchObject({ recordings: 1, ok: 1 })
    expect(await scan({ sources: [source], out, jobs: 1, setup, resume: true })).toMatchObject({ recordings: 1, resumed: 1, ok: 1 })
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('kept')
  })

  it('merge refuses to replace the tables of a scan of other recordings in the folder; merging again is fine', async () => {
    const out = join(root, 'merge-over')
    const other = join(root, 'r1-5.wait')
    writeFileSync(other, 'x')
    await scan({ sources: [source], out, jobs: 1, setup })
    const before = await readRows(join(out, 'recordings.parquet'))
    // Shards live in out/shards/, which the folder check above does not see.
    await scan({ sources: [other], out, jobs: 1, setup, shard: { index: 0, count: 1 } })
    expect(() => mergeShards(out)).toThrow(expect.objectContaining({ code: 'SPIKES_SCAN_MISMATCH' }))
    expect(await readRows(join(out, 'recordings.parquet'))).toEqual(before)
    const sharded = join(root, 'merge-twice')
    await scan({ sources: [other], out: sharded, jobs: 1, setup, shard: { index: 0, count: 1 } })
    expect(mergeShards(sharded)).toMatchObject({ shards: 1, ok: 1 })
    expect(mergeShards(sharded)).toMatchObject({ shards: 1, ok: 1 })
  })
})

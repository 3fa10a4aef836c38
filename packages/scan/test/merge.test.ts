import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeNwb } from '@spikes/testing'
import { ScanIncompleteError, mergeShards, scan } from '../src/index.js'
import { REAL_PRESENT, SPIKES_DEV, buildTree, readRows, stable } from './support/tree.js'

describe.skipIf(!REAL_PRESENT)('shards and merge', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-merge-'))
  const data = join(root, 'data')
  let whole: { recordings: Record<string, unknown>[]; units: Record<string, unknown>[] }

  beforeAll(async () => {
    await buildTree(data)
    // More recordings, so that a shard is still busy when it is killed.
    mkdirSync(join(data, 'more'))
    for (let i = 0; i < 8; i++) await makeNwb(join(data, 'more', `gen-${i}.nwb`), { units: 20, spikes: 40_000, channels: 4, rawSamples: 0, seed: 100 + i })
    await scan({ sources: [data], out: join(root, 'whole'), jobs: 2 })
    whole = { recordings: await readRows(join(root, 'whole', 'recordings.parquet')), units: await readRows(join(root, 'whole', 'units.parquet')) }
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('merges 3 shards into tables equal to one scan, row for row', async () => {
    const out = join(root, 'sharded')
    const sizes: number[] = []
    for (let index = 0; index < 3; index++) sizes.push((await scan({ sources: [data], out, jobs: 1, shard: { index, count: 3 } })).recordings)
    expect(sizes.reduce((a, b) => a + b)).toBe(whole.recordings.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(3)
    const merged = mergeShards(out)
    expect(merged).toMatchObject({ shards: 3, recordings: whole.recordings.length, failed: 1 })
    expect(stable(await readRows(join(out, 'recordings.parquet')))).toEqual(stable(whole.recordings))
    expect(await readRows(join(out, 'units.parquet'))).toEqual(whole.units)
    expect(JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8'))).toMatchObject({ complete: true, totalRecordings: whole.recordings.length })
  })

  it('refuses to merge with a shard missing, naming it, and with a shard unfinished', async () => {
    const out = join(root, 'gappy')
    await scan({ sources: [data], out, jobs: 1, shard: { index: 0, count: 3 } })
    await scan({ sources: [data], out, jobs: 1, shard: { index: 2, count: 3 } })
    let error: unknown
    try {
      mergeShards(out)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ScanIncompleteError)
    expect(error).toMatchObject({ code: 'SPIKES_SCAN_INCOMPLETE', missing: ['1-of-3'], incomplete: [], expected: 3 })
    expect((error as Error).message).toContain('1-of-3')
    expect(existsSync(join(out, 'recordings.parquet'))).toBe(false)
    const manifest = join(out, 'shards', '2-of-3', 'scan.json')
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), complete: false }))
    await scan({ sources: [data], out, jobs: 1, shard: { index: 1, count: 3 } })
    expect(() => mergeShards(out)).toThrow(expect.objectContaining({ code: 'SPIKES_SCAN_INCOMPLETE', missing: [], incomplete: ['2-of-3'] }))
  })

  it('resumes a shard killed mid-way without redoing what it finished', async () => {
    const out = join(root, 'killed')
    const ledger = join(out, 'shards', '1-of-2', 'ledger.ndjson')
    const child = spawn(process.execPath, [SPIKES_DEV, 'scan', data, '-o', out, '--jobs', '1'], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    while (!(existsSync(ledger) && readFileSync(ledger, 'utf8').split('\n').length >= 2)) await new Promise((r) => setTimeout(r, 10))
    child.kill('SIGKILL')
    await exited
    const before = readFileSync(ledger, 'utf8').trim().split('\n')
    const manifest = JSON.parse(readFileSync(join(out, 'shards', '1-of-2', 'scan.json'), 'utf8'))
    expect(manifest.complete).toBe(false)
    expect(before.length).toBeLessThan(manifest.shardRecordings)

    const resumed = await scan({ sources: [data], out, jobs: 1, resume: true, env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' } })
    expect(resumed.shard).toEqual({ index: 1, count: 2 })
    expect(resumed.resumed).toBe(before.length)
    const after = readFileSync(ledger, 'utf8').trim().split('\n')
    expect(after.slice(0, before.length)).toEqual(before)
    expect(after).toHaveLength(manifest.shardRecordings)
    const rows = await readRows(join(out, 'shards', '1-of-2', 'recordings.parquet'))
    const sources = new Set(rows.map((r) => r.source))
    expect(stable(rows)).toEqual(stable(whole.recordings.filter((r) => sources.has(r.source))))
  })
})

// spikes scan / scan merge / scan submit through the CLI: flags (loader options as flags on a subcommand
// too), the summary, usage errors, and the progress display on a terminal and in a log.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kilosortFiles } from '@spikes/testing'
import type { ScanProgress } from '@spikes/scan'
import { main } from '../src/main.js'
import { scanProgressWriter } from '../src/scan/scan-progress.js'
import { captureIo } from './support/capture-io.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-cli-scan-'))
  for (const name of ['a', 'b']) {
    await mkdir(join(dir, 'data', name), { recursive: true })
    for (const [file, bytes] of Object.entries(kilosortFiles([30, 60, 300, 3000], [0, 1, 0, 1]))) await writeFile(join(dir, 'data', name, file), bytes)
  }
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function run(...argv: string[]) {
  const c = captureIo()
  const code = await main(argv, c.io)
  return { code, out: c.stdout(), err: c.stderr() }
}

describe('spikes scan', () => {
  it('scans two KiloSort folders (no params.py) with --fsHz given as a flag, and prints the JSON summary', async () => {
    const r = await run('scan', join(dir, 'data'), '-o', join(dir, 'out'), '--jobs', '1', '--fsHz', '30000', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ recordings: 2, ok: 2, failed: 0, units: 4, resumed: 0, skipped: 0, shard: null })
    const again = await run('scan', join(dir, 'data'), '-o', join(dir, 'out'), '--fs_Hz', '30000', '--resume')
    expect(again.out).toMatch(/^scanned 2 recordings in [\d.]+ s: 2 ok, 0 failed, 2 already done\n4 units;/)
  })

  it("--load-in loop loads on the workers' event loops (no load thread) with the same result; another place is refused", async () => {
    const r = await run('scan', join(dir, 'data'), '-o', join(dir, 'out-loop'), '--jobs', '1', '--fsHz', '30000', '--load-in', 'loop', '--json')
    expect(r.err).toBe('')
    const summary = JSON.parse(r.out)
    expect(summary).toMatchObject({ recordings: 2, ok: 2, failed: 0, units: 4 })
    expect(summary.workers[0]).toMatchObject({ recordings: 2, peakThreads: 0 })
    const bad = await run('scan', join(dir, 'data'), '-o', join(dir, 'out-bad'), '--load-in', 'fibers')
    expect(bad).toMatchObject({ code: 1, err: expect.stringContaining('Invalid loadIn: got "fibers"') })
  })

  it('without -o, lists the recordings it would scan (one a line, for @list.txt) and loads nothing', async () => {
    await writeFile(join(dir, 'data', 'notes.txt'), 'not a recording\n')
    const r = await run('scan', join(dir, 'data'))
    expect(r).toEqual({ code: 0, out: `${join(dir, 'data', 'a')}\n${join(dir, 'data', 'b')}\n`, err: '2 recordings; 1 file skipped (no loader recognises them). Scan them into tables with -o <dir>.\n' })
    const json = JSON.parse((await run('scan', join(dir, 'data', 'a'), '--json')).out)
    expect(json).toEqual({ recordings: [join(dir, 'data', 'a')], skipped: [] })
  })

  it('names what is missing: the sources, the output folder of a submission, the shard count, the engine', async () => {
    expect(await run('scan')).toMatchObject({ code: 1, err: expect.stringContaining('Invalid sources: got "nothing"') })
    expect((await run('scan', 'submit', join(dir, 'data'), '--slurm', '--shards', '2')).err).toBe('error[SPIKES_INVALID_ARGUMENT]: Invalid -o: got "nothing"; expected the output folder: -o <dir>.\n')
    expect((await run('scan', 'submit', join(dir, 'data'), '-o', join(dir, 's'), '--slurm')).err).toContain('Invalid --shards: got "nothing"')
    expect((await run('scan', 'submit', join(dir, 'data'), '-o', join(dir, 's'), '--shards', '2')).err).toContain('exactly one of --slurm and --k8s')
    expect((await run('scan', join(dir, 'data'), '-o', join(dir, 'x'), '--jobs', 'two')).err).toContain('Invalid --jobs: got "two"; expected a whole number')
  })

  it('scan submit --k8s passes its own flags and the loader options to every shard task', async () => {
    const out = join(dir, 'k8s-out')
    const r = await run('scan', 'submit', join(dir, 'data'), '-o', out, '--k8s', '--shards', '3', '--jobs', '2', '--fsHz', '30000', '--image', 'reg/spikes:1')
    expect(r.code).toBe(0)
    expect(r.out).toContain('(Indexed Job, 3 completions)')
    const job = JSON.parse(await readFile(join(out, 'k8s', 'scan-job.json'), 'utf8'))
    expect(job.spec.completions).toBe(3)
    const container = job.spec.template.spec.containers[0]
    expect(container.image).toBe('reg/spikes:1')
    expect(container.command).toEqual(['spikes', 'scan', join(dir, 'data'), '-o', out, '--shards', '3', '--resume', '--jobs', '2', '--options', '{"fsHz":30000}'])
  })

  it('scan merge refuses a folder without shards, with a typed error', async () => {
    const r = await run('scan', 'merge', join(dir, 'data'))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^error\[SPIKES_SCAN_INCOMPLETE\]: /)
  })
})

describe('scan progress display', () => {
  const p = (done: number, total = 20): ScanProgress => ({ done, total, failed: 1, bytes: 2_500_000, elapsedSeconds: done, etaSeconds: done ? total - done : null })

  it('redraws one bar in place on a terminal, at most 10 times a second, and ends the line', () => {
    const written: string[] = []
    let now = 0
    const w = scanProgressWriter({ write: (s) => (written.push(s), true), isTTY: true, columns: 60 }, () => now)
    w.onProgress(p(0))
    w.onProgress(p(1)) // same instant: not drawn
    now = 150
    w.onProgress(p(2))
    w.onProgress(p(20)) // the last one is always drawn
    w.done()
    w.done()
    expect(written).toHaveLength(4)
    // 60 columns: the text takes 35, the bar the 22 left (2 of 20 done: 2 of 22 filled).
    expect(written[1]).toBe(`\r\x1b[2K[##${'.'.repeat(20)}] 2/20  1 failed  2.5 MB  ETA 18.0 s`)
    expect(written[2]).toMatch(/^\r\x1b\[2K\[#+\] 20\/20 /)
    expect(written[3]).toBe('\n')
  })

  it('writes a line in a log at each tenth of the work and every 30 s in between', () => {
    const written: string[] = []
    let now = 0
    const w = scanProgressWriter({ write: (s) => (written.push(s), true) }, () => now)
    for (let done = 0; done <= 20; done++) w.onProgress(p(done))
    expect(written.map((l) => l.slice(0, 30))).toEqual(Array.from({ length: 11 }, (_, k) => `progress: ${2 * k}/20 recordings (${10 * k}%)`.slice(0, 30)))
    const slow = scanProgressWriter({ write: (s) => (written.push(s), true) }, () => now)
    written.length = 0
    slow.onProgress(p(0, 1000))
    slow.onProgress(p(1, 1000))
    now = 31_000
    slow.onProgress(p(2, 1000))
    expect(written).toEqual([
      'progress: 0/1000 recordings (0%), 1 failed, 2.5 MB read, 0.0 s elapsed, ETA ?\n',
      'progress: 2/1000 recordings (0%), 1 failed, 2.5 MB read, 2.0 s elapsed, ETA 16 min 38 s\n',
    ])
  })
})

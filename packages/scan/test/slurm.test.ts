import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IN_CI } from '@spikes/testing'
import { scan } from '../src/index.js'
import { REAL_PRESENT, SPIKES_DEV, buildTree, readRows, stable } from './support/tree.js'

const run = promisify(execFile)

/**
 * Why the real-Slurm tests cannot run here, or null when a cluster answers: a one-node cluster is started by
 * tools/slurm/start-cluster.sh (.ci/run does it; locally, run it as root after apt-get install slurm-wlm munge).
 */
function slurmMissing(): string | null {
  try {
    const states = execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] })
    if (/^(idle|mixed|allocated)/m.test(states)) return null
    return `sinfo reports no usable node (states: ${states.trim().split('\n').join(', ') || 'none'}); run tools/slurm/start-cluster.sh as root`
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') return 'sinfo is not installed (apt-get install slurm-wlm munge, then run tools/slurm/start-cluster.sh as root)'
    return `no Slurm controller answers (${(e.stderr ?? e.message).trim().split('\n')[0]}); run tools/slurm/start-cluster.sh as root`
  }
}
const MISSING = slurmMissing() ?? (REAL_PRESENT ? null : 'the real data under ../shared/realdata is not present')
if (MISSING && !IN_CI) console.warn(`slurm.test.ts: the real-Slurm tests are skipped: ${MISSING}`)

// Under CI a Slurm that did not start is a failure, never a skip.
if (IN_CI) it('has a running Slurm cluster and the real data', () => expect(MISSING, 'CI must run the real-Slurm tests').toBeNull())

describe.skipIf(MISSING !== null)(`scan submit --slurm on a real Slurm${MISSING ? ` (skipped: ${MISSING})` : ''}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-slurm-'))
  const data = join(root, 'data')
  const spikes = JSON.stringify([process.execPath, SPIKES_DEV])

  beforeAll(async () => {
    await buildTree(data)
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('runs 3 shard tasks and the merge, and the merged tables equal a --jobs 2 scan row for row', async () => {
    const out = join(root, 'slurm-out')
    const submitted = await run(process.execPath, [SPIKES_DEV, 'scan', 'submit', data, '-o', out, '--slurm', '--shards', '3', '--wait', '--spikes-command', spikes], { timeout: 240_000 })
    expect(submitted.stdout).toMatch(/^submitted array job \d+ \(3 tasks\) and merge job \d+\n/)
    expect(submitted.stdout).toContain('done: ')
    for (let task = 0; task < 3; task++) expect(readFileSync(join(out, 'slurm', 'status', `task-${task}.exit`), 'utf8').trim()).toBe('0')
    const single = join(root, 'single-out')
    await scan({ sources: [data], out: single, jobs: 2 })
    const [slurmRecordings, singleRecordings] = await Promise.all([readRows(join(out, 'recordings.parquet')), readRows(join(single, 'recordings.parquet'))])
    expect(slurmRecordings).toHaveLength(5)
    expect(stable(slurmRecordings)).toEqual(stable(singleRecordings))
    expect(await readRows(join(out, 'units.parquet'))).toEqual(await readRows(join(single, 'units.parquet')))
  })

  it('with --wait, exits non-zero naming the task that failed, and does not merge', async () => {
    const out = join(root, 'failing-out')
    // Task 1 fails before scanning; the others run the CLI.
    const failing = JSON.stringify(['bash', '-c', `[ "$SLURM_ARRAY_TASK_ID" = 1 ] && exit 3; exec ${process.execPath} ${SPIKES_DEV} "$@"`, 'spikes'])
    const result = await run(process.execPath, [SPIKES_DEV, 'scan', 'submit', data, '-o', out, '--slurm', '--shards', '3', '--wait', '--spikes-command', failing], { timeout: 240_000 }).catch((e) => e)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error\[SPIKES_SCAN_JOB_FAILED\]: Slurm job \d+: task 1 \(shard 1-of-3\) exited with 3/)
    expect(result.stderr).not.toContain('task 0')
    expect(() => readFileSync(join(out, 'recordings.parquet'))).toThrow()
  })
})

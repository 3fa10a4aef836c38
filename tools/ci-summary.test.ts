import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'spikes-ci-summary-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const script = new URL('./ci-summary.mjs', import.meta.url).pathname

function summary(...args: string[]) {
  const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' })
  return { status: run.status, lines: run.stdout.trim().split('\n') }
}

describe('ci-summary', () => {
  writeFileSync(join(dir, 'fast.json'), JSON.stringify({ numPassedTests: 5, numFailedTests: 0, testResults: [] }))
  writeFileSync(join(dir, 'slow.json'), JSON.stringify({ numPassedTests: 2, numFailedTests: 1, numPendingTests: 1, testResults: [{ status: 'failed', assertionResults: [{ status: 'failed', fullName: 'typecheck finds no errors' }] }] }))

  it('sums npm test and npm run test:slow into one closing line', () => {
    expect(summary(join(dir, 'fast.json'), '0', join(dir, 'slow.json'), '1')).toEqual({ status: 1, lines: ['FAILED typecheck finds no errors', '7 passed, 1 failed, 1 skipped'] })
    expect(summary(join(dir, 'fast.json'), '0')).toEqual({ status: 0, lines: ['5 passed, 0 failed'] })
  })

  it('counts a run that wrote no report, or exited non-zero without a failed test, as a failure', () => {
    expect(summary(join(dir, 'fast.json'), '0', join(dir, 'none.json'), '1').lines.at(-1)).toBe('5 passed, 1 failed')
    expect(summary(join(dir, 'fast.json'), '2')).toMatchObject({ status: 1, lines: ['5 passed, 1 failed'] })
  })
})

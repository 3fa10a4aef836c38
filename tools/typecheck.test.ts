import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// vitest strips types without checking them; this runs the compiler over every package's sources
// and tests (tsconfig.typecheck.json) so a type error in a test file fails the suite too.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')

describe('typecheck', () => {
  it('tsc finds no errors in sources, tests and tools', () => {
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.typecheck.json')], { cwd: REPO, encoding: 'utf8', timeout: 300_000 })
    const errors = (tsc.stdout + tsc.stderr).split('\n').filter((line) => line.includes('error TS'))
    expect(errors, errors.slice(0, 20).join('\n')).toEqual([])
    expect(tsc.status).toBe(0)
  }, 300_000)
})

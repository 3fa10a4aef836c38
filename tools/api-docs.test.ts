import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The API reference (typedoc.json) is part of the contract: every exported class, function, interface,
// type and constant of every published package is documented, and no link or referenced type is broken.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'spikes-api-docs-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('API reference', () => {
  it('builds with no warnings: nothing undocumented, unexported or broken', () => {
    const typedoc = join(REPO, 'node_modules', 'typedoc', 'bin', 'typedoc')
    const run = spawnSync(process.execPath, [typedoc, '--out', out, '--treatWarningsAsErrors', '--logLevel', 'Warn'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 })
    const text = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '')
    const problems = text.split('\n').filter((line) => /\[(warning|error)\]/.test(line))
    expect(problems, problems.slice(0, 30).join('\n')).toEqual([])
    expect(run.status).toBe(0)
    const index = readFileSync(join(out, 'index.html'), 'utf8')
    expect(index).toContain('@spikes')
    const modules = readFileSync(join(out, 'modules.html'), 'utf8')
    for (const pkg of ['@spikes/core', '@spikes/format-nwb', '@spikes/format-kilosort', '@spikes/cli']) expect(modules).toContain(pkg)
    expect(existsSync(join(out, 'functions'))).toBe(true)
  }, 300_000)
})

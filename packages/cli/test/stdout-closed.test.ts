// Standard output that goes away or fills up while `spikes` writes: the installed binary, as a process.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const BIN = join(import.meta.dirname, '..', 'bin', 'spikes.js')
const SAMPLE = join(import.meta.dirname, '..', 'samples', 'sample.nwb')
const built = existsSync(join(import.meta.dirname, '..', 'dist', 'main.js'))

describe.skipIf(!process.env.CI && !built)('standard output closed or full', () => {
  it('stops quietly with status 0 when the reader closes the pipe early (spikes load --json | head)', async () => {
    const child = spawn(process.execPath, [BIN, 'load', SAMPLE, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk))))
    child.stdout.destroy()
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(first.startsWith('{"format":"nwb"')).toBe(true)
    expect(stderr).toBe('')
    expect(code).toBe(0)
  }, 30_000)

  it('finishes a scan whose standard error reader went away (spikes scan ... -o out 2>&1 | head -3), tables and all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'spikes-stderr-closed-'))
    try {
      const out = join(root, 'out')
      const child = spawn(process.execPath, [BIN, 'scan', SAMPLE, SAMPLE.replace(/sample\.nwb$/, ''), '-o', out, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
      await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()))
      child.stderr.destroy()
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      expect(code).toBe(0)
      expect(JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8'))).toMatchObject({ complete: true, ok: 1 })
      expect(existsSync(join(out, 'units.parquet'))).toBe(true)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 60_000)

  it.skipIf(!existsSync('/dev/full'))('reports a full device once, as SPIKES_WRITE_FAILED, with status 1', async () => {
    const child = spawn(process.execPath, [BIN, 'load', SAMPLE, '--json'], { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error\[SPIKES_WRITE_FAILED\]: could not write to standard output: ENOSPC/)])
    expect(code).toBe(1)
  }, 30_000)
})

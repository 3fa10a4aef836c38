// `spikes load big --json | head -c 100` or `spikes scan /data | head -1`: the reader closes the pipe early. The
// CLI stops quietly instead of dying on an unhandled EPIPE with a stack trace. Runs the built CLI as a process.
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const BIN = join(import.meta.dirname, '..', 'bin', 'spikes.js')
const built = existsSync(join(import.meta.dirname, '..', 'dist', 'main.js'))
let dir = ''
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined))

describe.skipIf(!process.env.CI && !built)('a reader that closes the pipe early', () => {
  it('ends load --json quietly, with no EPIPE error, exit code 141', async () => {
    dir = await mkdtemp(join(tmpdir(), 'spikes-cli-pipe-'))
    const input = join(dir, 'big.json')
    // 400,000 spikes: megabytes of JSON, far more than a pipe's buffer.
    const trains = [0, 1, 2, 3].map((u) => Array.from({ length: 100_000 }, (_, i) => u + i * 0.25))
    writeFileSync(input, JSON.stringify({ N: 4, lengthMs: 30_000, startTimeMs: 0, trains }))
    const child = spawn(process.execPath, [BIN, 'load', input, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(stderr).not.toMatch(/EPIPE|Unhandled/)
    // Stopped before it finished writing: 128 + SIGPIPE, as `cat big | head` gives.
    expect(code).toBe(141)
  })
})

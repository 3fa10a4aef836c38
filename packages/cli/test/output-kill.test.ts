// `spikes convert` killed with SIGKILL while it writes: the file it was replacing is left as it was and
// no partial file stays behind (the temporary file's watcher removes it). Runs the built CLI as a process.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const BIN = join(import.meta.dirname, '..', 'bin', 'spikes.js')
const built = existsSync(join(import.meta.dirname, '..', 'dist', 'main.js'))
let dir = ''
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined))

/** A SpikeData JSON large enough (3 million spikes) that writing its NWB takes a while. */
function bigInput(path: string): void {
  const perUnit = 1_500_000
  const trains = [0, 1].map((u) => Array.from({ length: perUnit }, (_, i) => u + i * 0.037))
  writeFileSync(path, JSON.stringify({ N: 2, lengthMs: 2 * perUnit * 0.037, startTimeMs: 0, trains }))
}

describe.skipIf(!process.env.CI && !built)('spikes convert killed mid-write', () => {
  it('kill -9 while the temporary file is being written leaves the old output intact and no partial file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'spikes-cli-kill-'))
    const input = join(dir, 'big.json')
    const out = join(dir, 'out.nwb')
    bigInput(input)
    writeFileSync(out, 'the old file')
    const child = spawn(process.execPath, [BIN, 'convert', input, '-o', out, '--force', '--session-start', '2024-01-01T00:00:00Z'], { stdio: 'ignore' })
    const seen = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const partial = readdirSync(dir).find((f) => f.endsWith('.partial'))
        if (partial) {
          clearInterval(timer)
          child.kill('SIGKILL')
          resolve(partial)
        }
      }, 2)
      child.on('exit', () => {
        clearInterval(timer)
        reject(new Error('convert finished before a temporary file was seen'))
      })
    })
    expect(seen).toMatch(/^\.out\.nwb\.spikes-\d+-[0-9a-f]+\.partial$/)
    const signal = await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode) : child.on('exit', (_c, s) => resolve(s))))
    expect(signal).toBe('SIGKILL')
    for (let i = 0; i < 100 && existsSync(join(dir, seen)); i++) await new Promise((r) => setTimeout(r, 50))
    expect(readdirSync(dir).sort()).toEqual(['big.json', 'out.nwb'])
    expect(readFileSync(out, 'utf8')).toBe('the old file')
  }, 60_000)
})

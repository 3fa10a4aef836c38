import { spawn } from 'node:child_process'
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { checkOutputTarget, OutputExistsError, OutputIsInputError, sweepTemporaryLeftovers, writeBytesSafely, writeFileSafely } from '../src/node.js'

const dir = mkdtempSync(join(tmpdir(), 'spikes-safe-write-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const leftovers = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.partial'))

/**
 * Bundles a writer fixture into `folder`, runs it with `args`, and waits for the temporary path it prints;
 * `kill()` then ends it with SIGKILL and waits until the watcher has had time to remove that path.
 */
async function startWriter(fixture: string, folder: string, args: string[]): Promise<{ temporary: string; kill(): Promise<void> }> {
  const script = join(folder, 'writer.mjs')
  await build({ entryPoints: [join(import.meta.dirname, 'fixtures', fixture)], bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'silent', conditions: ['@spikes/source'] })
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const temporary = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += String(chunk)
      if (text.includes('\n')) resolve(text.trim())
    })
    child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)))
  })
  const kill = async () => {
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    for (let i = 0; i < 100 && existsSync(temporary); i++) await new Promise((r) => setTimeout(r, 50))
  }
  return { temporary, kill }
}

describe('writeFileSafely', () => {
  it('refuses an existing output unless overwrite is given, and then replaces it', async () => {
    const out = join(dir, 'existing.txt')
    writeFileSync(out, 'old')
    await expect(writeBytesSafely(out, 'new')).rejects.toBeInstanceOf(OutputExistsError)
    await expect(writeBytesSafely(out, 'new')).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_EXISTS', path: out })
    expect(readFileSync(out, 'utf8')).toBe('old')
    await writeBytesSafely(out, 'new', { overwrite: true })
    expect(readFileSync(out, 'utf8')).toBe('new')
    expect(leftovers(dir)).toEqual([])
  })

  it('refuses an output that is the input: the same path, a symbolic link to it, a hard link to it, a path through a linked folder', async () => {
    const input = join(dir, 'input.nwb')
    writeFileSync(input, 'precious')
    const symlink = join(dir, 'symlink.nwb')
    symlinkSync(input, symlink)
    const hardlink = join(dir, 'hardlink.nwb')
    linkSync(input, hardlink)
    const linkedFolder = join(dir, 'linked-folder')
    symlinkSync(dir, linkedFolder)
    for (const out of [input, symlink, hardlink, join(linkedFolder, 'input.nwb'), `${dir}/./input.nwb`]) {
      await expect(writeBytesSafely(out, 'x', { overwrite: true, inputs: [input] })).rejects.toBeInstanceOf(OutputIsInputError)
      await expect(checkOutputTarget(out, { overwrite: true, inputs: [input] })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_IS_INPUT', input })
    }
    // The same holds when the input is named through the link.
    await expect(checkOutputTarget(input, { overwrite: true, inputs: [symlink] })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_IS_INPUT' })
    expect(readFileSync(input, 'utf8')).toBe('precious')
    await expect(checkOutputTarget(join(dir, 'other.nwb'), { inputs: [input, undefined] })).resolves.toBe(join(dir, 'other.nwb'))
  })

  it('a failing write leaves the old file intact and no temporary file', async () => {
    const out = join(dir, 'kept.txt')
    writeFileSync(out, 'old content')
    let seen = ''
    await expect(
      writeFileSafely(out, async (temporary) => {
        seen = temporary
        writeFileSync(temporary, 'half')
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'write' })
      }, { overwrite: true }),
    ).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', errno: 'ENOSPC', path: out })
    expect(seen.startsWith(join(dir, '.kept.txt.spikes-'))).toBe(true)
    expect(existsSync(seen)).toBe(false)
    expect(readFileSync(out, 'utf8')).toBe('old content')
    expect(leftovers(dir)).toEqual([])
  })

  it('a writer killed with SIGKILL mid-write leaves the old file intact and no temporary file', async () => {
    const folder = mkdtempSync(join(dir, 'kill-'))
    const out = join(folder, 'out.nwb')
    writeFileSync(out, 'the old file')
    const { temporary, kill } = await startWriter('slow-writer.ts', folder, [out])
    expect(readFileSync(temporary, 'utf8')).toBe('NEW PARTIAL BYTES')
    await kill()
    expect(existsSync(temporary)).toBe(false)
    expect(readFileSync(out, 'utf8')).toBe('the old file')
    expect(readdirSync(folder).sort()).toEqual(['out.nwb', 'writer.mjs'])
  }, 30_000)

  it('a folder staged under a temporary name is removed, with what it holds, when its writer is killed', async () => {
    const folder = mkdtempSync(join(dir, 'kill-folder-'))
    const { temporary: staging, kill } = await startWriter('slow-folder-writer.ts', folder, [join(folder, 'rec.zarr')])
    expect(staging.startsWith(join(folder, '.rec.zarr.spikes-'))).toBe(true)
    expect(readFileSync(join(staging, 'traces_seg0', '0.0'), 'utf8')).toBe('PARTIAL CHUNK')
    await kill()
    expect(readdirSync(folder)).toEqual(['writer.mjs'])
  }, 30_000)

  it('sweeps the temporary folders and files of an output whose writers no longer run, not a running one', async () => {
    const folder = mkdtempSync(join(dir, 'sweep-folders-'))
    const names = ['.rec.zarr.spikes-999999999-abcdef.partial', `.rec.zarr.spikes-${process.pid}-abcdef.partial`, '.other.zarr.spikes-999999999-abcdef.partial']
    for (const name of names) mkdirSync(join(folder, name, 'sub'), { recursive: true })
    writeFileSync(join(folder, names[0]!, 'sub', 'x'), 'stale')
    writeFileSync(join(folder, '.rec.zarr.spikes-999999998-abcdef.partial'), 'stale file')
    await sweepTemporaryLeftovers(join(folder, 'rec.zarr'))
    expect(readdirSync(folder).sort()).toEqual(names.slice(1).sort())
  })

  it('sweeps a temporary file left by a writer that no longer runs', async () => {
    const folder = mkdtempSync(join(dir, 'sweep-'))
    const stale = join(folder, '.out.svg.spikes-999999999-abcdef.partial')
    writeFileSync(stale, 'stale')
    await writeBytesSafely(join(folder, 'out.svg'), '<svg/>')
    expect(readdirSync(folder)).toEqual(['out.svg'])
  })
})

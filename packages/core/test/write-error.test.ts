import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidDataError } from '../src/index.js'
import { checkOutputFile, ensureWritableFolder, fsWriteError, WriteError } from '../src/node.js'

const dir = mkdtempSync(join(tmpdir(), 'spikes-write-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const aFile = join(dir, 'a-file')
writeFileSync(aFile, 'x')

describe('output checks', () => {
  it('checkOutputFile accepts a new file in an existing folder and refuses a missing folder, a file in the way, or a folder', async () => {
    await expect(checkOutputFile(join(dir, 'new.nwb'))).resolves.toBeUndefined()
    await expect(checkOutputFile(join(dir, 'missing', 'x.nwb'))).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', errno: 'ENOENT', path: join(dir, 'missing', 'x.nwb'), message: expect.stringContaining('its folder does not exist') })
    await expect(checkOutputFile(join(aFile, 'x.nwb'))).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', errno: 'ENOTDIR' })
    await expect(checkOutputFile(dir)).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', errno: 'EISDIR' })
  })

  it('ensureWritableFolder creates nested folders and refuses a file in the way', async () => {
    const nested = join(dir, 'x', 'y', 'z')
    await expect(ensureWritableFolder(nested)).resolves.toBe(nested)
    await expect(ensureWritableFolder(join(aFile, 'sub'))).rejects.toBeInstanceOf(WriteError)
    await expect(ensureWritableFolder(join(aFile, 'sub'))).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', path: join(aFile, 'sub') })
  })

  it('fsWriteError types Node file-system errors and passes everything else through', async () => {
    const target = join(dir, 'missing', 'out.svg')
    const nodeError = await writeFile(target, 'x').catch((e: unknown) => e)
    const typed = fsWriteError(nodeError) as WriteError
    expect(typed).toBeInstanceOf(WriteError)
    expect(typed).toMatchObject({ code: 'SPIKES_WRITE_FAILED', errno: 'ENOENT', path: target })
    expect(typed.cause).toBe(nodeError)
    const other = new InvalidDataError('bad')
    expect(fsWriteError(other)).toBe(other)
    const plain = new TypeError('not a file-system error')
    expect(fsWriteError(plain)).toBe(plain)
  })
})

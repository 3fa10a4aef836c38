import { mkdtemp, writeFile, mkdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobSource, bytesSource, filesFolder, memoryFolder, readAll, readExactly, readText } from '../src/index.js'
import { directorySource, fileSource } from '../src/node.js'
import { alternatingReads, readExactlyInto } from '../src/loader-utils.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-core-'))
  await writeFile(join(dir, 'a.bin'), Uint8Array.from([1, 2, 3, 4, 5]))
  await mkdir(join(dir, 'sub'))
  await writeFile(join(dir, 'sub', 'b.txt'), 'hello')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('byte sources', () => {
  it('bytes: zero-copy ranges clipped at the end', async () => {
    const src = bytesSource(Uint8Array.from([1, 2, 3]))
    expect(Array.from(await src.read(1, 5))).toEqual([2, 3])
    expect(await src.size()).toBe(3)
    await expect(src.read(-1, 1)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'offset' })
    expect(() => bytesSource('x' as never)).toThrow(expect.objectContaining({ argument: 'data' }))
  })

  it('blob', async () => {
    const blob = new Blob([Uint8Array.from([9, 8, 7])])
    const src = blobSource(blob, 'x.bin')
    expect(Array.from(await src.read(1, 2))).toEqual([8, 7])
    // The Blob itself travels with the source, so h5wasm's WORKERFS can read it in place.
    expect(src.blob).toBe(blob)
  })

  it('files of a directory pick: a folder read in place, the common top folder stripped', async () => {
    const picked = (path: string, bytes: number[]) => {
      const file = new File([Uint8Array.from(bytes)], path.slice(path.lastIndexOf('/') + 1))
      Object.defineProperty(file, 'webkitRelativePath', { value: path })
      return file
    }
    const files = [picked('ks/spike_times.npy', [1, 2, 3]), picked('ks/params.py', [65]), picked('ks/sub/x.bin', [7])]
    const folder = filesFolder(files)
    expect(folder.name).toBe('ks')
    expect(await folder.list()).toEqual([
      { name: 'params.py', kind: 'file', size: 1 },
      { name: 'spike_times.npy', kind: 'file', size: 3 },
      { name: 'sub', kind: 'folder' },
    ])
    expect(await folder.list('sub/')).toEqual([{ name: 'x.bin', kind: 'file', size: 1 }])
    expect(await folder.exists('sub/x.bin')).toBe(true)
    expect(await folder.exists('sub')).toBe(false)
    const times = await folder.open('./spike_times.npy')
    expect(times.blob).toBe(files[0])
    expect(Array.from(await times.read(1, 5))).toEqual([2, 3])
    await expect(folder.open('nope.npy')).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
    // Loose files (no relative path) sit at the root under their names.
    expect(await filesFolder([new File([Uint8Array.of(1)], 'a.npy')]).list()).toEqual([{ name: 'a.npy', kind: 'file', size: 1 }])
    expect(() => filesFolder(['x'] as never)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'files' }))
  })

  it('local file by positioned reads, with typed errors for missing files', async () => {
    const src = await fileSource(join(dir, 'a.bin'))
    expect(Array.from(await src.read(3, 10))).toEqual([4, 5])
    expect(src.path).toBe(join(dir, 'a.bin'))
    await src.close()
    await expect(fileSource(join(dir, 'nope.bin'))).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'nope.bin' })
    await expect(fileSource(dir)).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE' })
  })

  it('readExactlyInto fills the caller\'s buffer through readInto (else read), and a short read is the error readExactly gives', async () => {
    const src = await fileSource(join(dir, 'a.bin'))
    const scratch = new Uint8Array(4)
    expect(await readExactlyInto(src, 1, scratch)).toBe(scratch)
    expect(Array.from(scratch)).toEqual([2, 3, 4, 5])
    const short = { code: 'SPIKES_CORRUPT_FILE', needed: 6, available: 5 }
    await expect(readExactlyInto(src, 2, scratch)).rejects.toMatchObject(short)
    await expect(readExactly(src, 2, 4)).rejects.toMatchObject(short)
    await src.close()
    const plain = bytesSource(Uint8Array.from([7, 8, 9]), 'b.bin')
    expect(plain.readInto).toBeUndefined()
    expect(Array.from(await readExactlyInto(plain, 0, new Uint8Array(3)))).toEqual([7, 8, 9])
    await expect(readExactlyInto(plain, 1, new Uint8Array(3))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', needed: 4, available: 3 })
  })

  it('alternatingReads reads into two reused buffers in turn through readInto, fresh arrays through read', async () => {
    const src = await fileSource(join(dir, 'a.bin'))
    const read = alternatingReads(src, 3)
    const [a, b, c] = [await read(0, 3), await read(3, 2), await read(1, 3)]
    expect(Array.from(b)).toEqual([4, 5])
    expect(Array.from(c)).toEqual([2, 3, 4])
    expect(c.buffer).toBe(a.buffer) // the third read reuses the first one's buffer
    expect(b.buffer).not.toBe(a.buffer)
    await expect(read(3, 3)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', needed: 6, available: 5 })
    await src.close()
    const plain = alternatingReads(bytesSource(Uint8Array.from([7, 8, 9]), 'b.bin'), 2)
    const [x, y] = [await plain(0, 2), await plain(1, 2)]
    expect([Array.from(x), Array.from(y)]).toEqual([[7, 8], [8, 9]])
    await expect(plain(2, 2)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', needed: 4, available: 3 })
  })

  it('local file readInto fills a reused buffer, fewer bytes only at the end', async () => {
    const src = await fileSource(join(dir, 'a.bin'))
    const scratch = new Uint8Array(3).fill(99)
    expect(await src.readInto!(0, scratch)).toBe(3)
    expect(Array.from(scratch)).toEqual([1, 2, 3])
    expect(await src.readInto!(3, scratch)).toBe(2)
    expect(Array.from(scratch)).toEqual([4, 5, 3])
    expect(await src.readInto!(9, scratch)).toBe(0)
    await expect(src.readInto!(-1, scratch)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    await src.close()
  })

  it('readExactly reports truncation; readAll refuses oversize sources', async () => {
    const src = bytesSource(new Uint8Array(10), 'small.bin')
    await expect(readExactly(src, 5, 10)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', needed: 15, available: 10 })
    await expect(readAll(src, 5)).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', limit: 5, actual: 10, what: 'file' })
    expect(await readText(bytesSource(new TextEncoder().encode('hé')))).toBe('hé')
  })
})

describe('folder sources', () => {
  it('local directory: list, exists, open, and no escaping', async () => {
    const folder = await directorySource(dir)
    expect(await folder.list()).toEqual([{ name: 'a.bin', kind: 'file' }, { name: 'sub', kind: 'folder' }])
    expect(await folder.list('sub')).toEqual([{ name: 'b.txt', kind: 'file' }])
    expect(await folder.exists('sub/b.txt')).toBe(true)
    expect(await readText(await folder.open('sub/b.txt'))).toBe('hello')
    await expect(folder.open('missing.npy')).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'missing.npy', folder: dir })
    await expect(folder.open('../etc/passwd')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    await expect(directorySource(join(dir, 'a.bin'))).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
  })

  it('local directory: a symbolic link counts as what it points to, a dangling one is left out', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spikes-links-'))
    try {
      await mkdir(join(root, 'real'))
      await writeFile(join(root, 'real', 'f.npy'), 'x')
      await symlink(join(root, 'real'), join(root, 'linked-folder'))
      await symlink(join(root, 'real', 'f.npy'), join(root, 'linked-file.npy'))
      await symlink(join(root, 'nowhere'), join(root, 'dangling'))
      const folder = await directorySource(root)
      expect(await folder.list()).toEqual([
        { name: 'linked-file.npy', kind: 'file' },
        { name: 'linked-folder', kind: 'folder' },
        { name: 'real', kind: 'folder' },
      ])
      expect(await folder.list('linked-folder')).toEqual([{ name: 'f.npy', kind: 'file' }])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('in-memory folder', async () => {
    const folder = memoryFolder({ 'x.npy': new Uint8Array([1]), 'sub/y.tsv': 'a\tb' })
    expect(await folder.list()).toEqual([{ name: 'sub', kind: 'folder' }, { name: 'x.npy', kind: 'file', size: 1 }])
    expect(await readText(await folder.open('sub/y.tsv'))).toBe('a\tb')
    await expect(folder.open('z')).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'z' })
  })
})

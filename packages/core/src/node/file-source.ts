import { constants, type Stats } from 'node:fs'
import { open, stat as statPath, type FileHandle } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { InvalidSourceError, MissingFileError } from '../errors.js'
import { checkRange } from '../sources/read-helpers.js'
import type { ByteSource } from '../sources/source.js'

/** A local file read with positioned reads; nothing is loaded until asked for. */
export async function fileSource(path: string): Promise<ByteSource> {
  const absolute = resolve(path)
  let handle: FileHandle
  try {
    // A named pipe, device or socket is refused before it is opened (opening a FIFO waits for a writer);
    // O_NONBLOCK keeps the open itself from waiting if the path is swapped for one in between.
    const before = await statPath(absolute)
    if (!before.isFile()) throw notRegular(absolute, before)
    handle = await open(absolute, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    if (error instanceof InvalidSourceError) throw error
    throw toSourceError(error, absolute)
  }
  const stat = await handle.stat()
  if (!stat.isFile()) {
    await handle.close()
    throw notRegular(absolute, stat)
  }
  let closed = false
  const fill = async (target: Uint8Array, offset: number): Promise<number> => {
    let done = 0
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, target.length - done, offset + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done
  }
  return {
    type: 'file',
    name: basename(absolute),
    path: absolute,
    size: async () => stat.size,
    async read(offset, length) {
      checkRange(offset, length)
      const end = Math.min(offset + length, stat.size)
      if (end <= offset) return new Uint8Array(0)
      const out = new Uint8Array(end - offset)
      const done = await fill(out, offset)
      return done === out.length ? out : out.subarray(0, done)
    },
    async readInto(offset, target) {
      checkRange(offset, target.length)
      return offset >= stat.size ? 0 : fill(target.subarray(0, Math.min(target.length, stat.size - offset)), offset)
    },
    async close() {
      if (closed) return
      closed = true
      await handle.close()
    },
  }
}

function notRegular(path: string, s: Stats): InvalidSourceError {
  const kind = s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a named pipe (FIFO)' : s.isSocket() ? 'a socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : 'not a regular file'
  return new InvalidSourceError(`${path} is ${kind}, not a regular file; only regular files are read (a pipe or device could block or never end).`, { path, kind: kind.replace(/^an? /, '') })
}

export function toSourceError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return new MissingFileError(basename(path), resolve(path, '..'), 'Check the path.')
  if (code === 'EACCES' || code === 'EPERM') return new InvalidSourceError(`Permission denied reading ${path}.`, { path }, { cause: error })
  return new InvalidSourceError(`Cannot open ${path}: ${(error as Error)?.message ?? error}`, { path }, { cause: error })
}

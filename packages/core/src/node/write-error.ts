import { access, constants, mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { SpikesError, type Details } from '../errors.js'

/** Writing an output file or a cache folder failed: the folder is missing, not writable, or the disk is full. */
export class WriteError extends SpikesError {
  override readonly name = 'WriteError'
  constructor(message: string, details: Details = {}, options?: { cause?: unknown }) {
    super('SPIKES_WRITE_FAILED', message, details, options)
  }
}

const CREATE = 'Create the folder or choose another path.'
const ELSEWHERE = 'Choose a folder you can write to.'
const SPACE = 'Free some space or choose another folder.'
const REASONS: Record<string, [reason: string, advice: string]> = {
  ENOENT: ['its folder does not exist', CREATE],
  ENOTDIR: ['a part of the path is a file, not a folder', CREATE],
  EACCES: ['permission denied', ELSEWHERE],
  EPERM: ['permission denied', ELSEWHERE],
  EROFS: ['the file system is read-only', ELSEWHERE],
  ENOSPC: ['no space is left on the device', SPACE],
  EDQUOT: ['the disk quota is exhausted', SPACE],
  EISDIR: ['it is a folder', 'Give a file name, not a folder.'],
  EEXIST: ['a file of that name is in the way', 'Remove it or choose another path.'],
  ENAMETOOLONG: ['the name is too long', 'Choose a shorter path.'],
}

/**
 * The typed error for a failed write to `path` (`error` is what Node threw). A SpikesError passes
 * through unchanged.
 */
export function writeError(path: string, error: unknown, what = 'Writing'): SpikesError {
  if (error instanceof SpikesError) return error
  const code = (error as { code?: unknown } | null)?.code
  const known = typeof code === 'string' ? REASONS[code] : undefined
  const reason = known?.[0] ?? (typeof code === 'string' ? `${code}: ${(error as Error).message}` : String((error as Error)?.message ?? error))
  return new WriteError(`${what} ${path} failed: ${reason}. ${known?.[1] ?? `${ELSEWHERE} Check that it has space.`}`, { path, ...(typeof code === 'string' ? { errno: code } : {}) }, { cause: error })
}

/**
 * Checks, before any work, that a file can be created at `path`: its folder exists, is a folder, and
 * is writable. Throws WriteError otherwise.
 */
export async function checkOutputFile(path: string): Promise<void> {
  const absolute = resolve(path)
  const existing = await stat(absolute).catch(() => undefined)
  if (existing?.isDirectory()) throw writeError(absolute, Object.assign(new Error('is a folder'), { code: 'EISDIR' }))
  const folder = dirname(absolute)
  try {
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
    await access(folder, constants.W_OK)
  } catch (error) {
    throw writeError(absolute, error)
  }
}

/** Creates `path` (and its parents) if needed and checks that it is a writable folder; throws WriteError otherwise. */
export async function ensureWritableFolder(path: string): Promise<string> {
  const absolute = resolve(path)
  try {
    await mkdir(absolute, { recursive: true })
    await access(absolute, constants.W_OK)
  } catch (error) {
    throw writeError(absolute, error, 'Using the folder')
  }
  return absolute
}

/**
 * Node's file-system errors (they carry an errno `code` and a `syscall`) as WriteError; anything else
 * is returned unchanged. For catch blocks around code that writes files.
 */
export function fsWriteError(error: unknown): unknown {
  const e = error as { code?: unknown; syscall?: unknown; path?: unknown } | null
  if (error instanceof SpikesError || typeof e?.code !== 'string' || typeof e.syscall !== 'string') return error
  return writeError(typeof e.path === 'string' ? e.path : '(unnamed path)', error, e.syscall === 'mkdir' ? 'Creating the folder' : 'Writing')
}

/** `work`, with a Node file-system failure turned into WriteError (as fsWriteError does). */
export function asWriteFailure<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => Promise.reject(fsWriteError(error)))
}

// One way for every writer to put a file in place without ever destroying data: the output must not be
// an input (by real path or by inode, so links count), an existing output is kept unless the caller asked
// to overwrite it, and the bytes go to a temporary file in the target folder that is renamed into place
// only when complete. A failure removes the temporary file; a killed process has it removed by a small
// watcher process (see temp-reaper.ts), and the next write to the same folder sweeps any leftovers.
import { randomBytes } from 'node:crypto'
import { readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SpikesError } from '../errors.js'
import { checkOutputFile, writeError } from './write-error.js'
import { watchTemporaryFile } from './temp-reaper.js'

/** `SPIKES_OUTPUT_EXISTS`: the output file exists and overwriting was not asked for. */
export class OutputExistsError extends SpikesError {
  override readonly name = 'OutputExistsError'
  constructor(path: string) {
    super('SPIKES_OUTPUT_EXISTS', `${path} already exists. Pass --force (overwrite: true in code) to replace it, or choose another name.`, { path })
  }
}

/** `SPIKES_OUTPUT_IS_INPUT`: the output path is one of the inputs (the same file, or a link to it). */
export class OutputIsInputError extends SpikesError {
  override readonly name = 'OutputIsInputError'
  constructor(output: string, input: string) {
    super('SPIKES_OUTPUT_IS_INPUT', `The output ${output} is the input ${input}: writing it would destroy the data being read. Choose another output name.`, { output, input })
  }
}

/** Options of {@link checkOutputTarget} and {@link writeFileSafely}. */
export interface SafeWriteOptions {
  /** Replace an existing output (default false: refuse with OutputExistsError). */
  overwrite?: boolean
  /** Local paths read to make the output (files or folders); the output may be none of them. */
  inputs?: readonly (string | undefined)[]
}

const PARTIAL = /^\.(.+)\.spikes-(\d+)-[0-9a-f]+\.partial$/

/** The real path of `path`, or of its folder joined with its name when it does not exist yet. */
async function realTarget(path: string): Promise<string> {
  const absolute = resolve(path)
  try {
    return await realpath(absolute)
  } catch {
    return join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute))
  }
}

async function sameFile(output: string, input: string): Promise<boolean> {
  if ((await realTarget(output)) === (await realTarget(input))) return true
  const [a, b] = await Promise.all([stat(output).catch(() => undefined), stat(input).catch(() => undefined)])
  return !!a && !!b && a.dev === b.dev && a.ino === b.ino
}

/**
 * Checks that `path` may be written before any work: its folder exists and is writable, it is not a
 * folder, not one of `options.inputs`, and it does not exist unless `options.overwrite`. Resolves to the
 * absolute path. Throws WriteError, OutputIsInputError or OutputExistsError.
 */
export async function checkOutputTarget(path: string, options: SafeWriteOptions = {}): Promise<string> {
  const absolute = resolve(path)
  for (const input of options.inputs ?? []) {
    if (typeof input === 'string' && input !== '' && (await sameFile(absolute, input))) throw new OutputIsInputError(absolute, resolve(input))
  }
  await checkOutputFile(absolute)
  const existing = await stat(absolute).catch(() => undefined)
  if (existing && !options.overwrite) throw new OutputExistsError(absolute)
  return absolute
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/**
 * Removes the temporary files or folders ({@link temporaryPathFor}) of the output `absolute` left by
 * writers that no longer run (killed before their watcher could act); those of running writers stay.
 */
export async function sweepTemporaryLeftovers(absolute: string): Promise<void> {
  const folder = dirname(absolute)
  const entries = await readdir(folder).catch(() => [] as string[])
  for (const entry of entries) {
    const m = PARTIAL.exec(entry)
    if (m && m[1] === basename(absolute) && !processAlive(Number(m[2]))) await rm(join(folder, entry), { recursive: true, force: true }).catch(() => {})
  }
}

/** The name of a fresh temporary file beside `absolute` (hidden, tagged with this process id). */
export function temporaryPathFor(absolute: string): string {
  return join(dirname(absolute), `.${basename(absolute)}.spikes-${process.pid}-${randomBytes(6).toString('hex')}.partial`)
}

/**
 * Writes a file at `path` safely: checks the target (see {@link checkOutputTarget}), lets `write` fill a
 * temporary file in the same folder, then renames it over `path`. On any failure the temporary file is
 * removed and an existing file at `path` is left as it was. `write` receives the temporary path.
 */
export async function writeFileSafely<T>(path: string, write: (temporaryPath: string) => Promise<T>, options: SafeWriteOptions = {}): Promise<T> {
  const absolute = await checkOutputTarget(path, options)
  await sweepTemporaryLeftovers(absolute)
  const temporary = temporaryPathFor(absolute)
  const watcher = watchTemporaryFile(temporary)
  try {
    const result = await write(temporary)
    // Checked again just before the rename: another process may have created the file meanwhile.
    if (!options.overwrite && (await stat(absolute).catch(() => undefined))) throw new OutputExistsError(absolute)
    await rename(temporary, absolute)
    return result
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {})
    if (error instanceof SpikesError) throw error
    const code = (error as { code?: unknown } | null)?.code
    throw typeof code === 'string' ? writeError(absolute, error) : error
  } finally {
    watcher.release()
  }
}

/** Writes `bytes` (or text) to `path` through {@link writeFileSafely}. */
export function writeBytesSafely(path: string, bytes: Uint8Array | string, options: SafeWriteOptions = {}): Promise<void> {
  return writeFileSafely(path, (temporary) => writeFile(temporary, bytes, { flag: 'wx' }), options)
}

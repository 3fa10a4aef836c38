import { CorruptFileError, InvalidDataError, MissingFileError, readText, type ByteSource, type FolderSource } from '@spikes/core'
import type { UnitId } from './sorting/unit-id.js'
import { checkFileSamplingRate } from '@spikes/core/loader-utils'

/** JSON files of a SpikeInterface folder are small; anything larger is refused before it is read. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024

/** Parses a JSON document; malformed text is SPIKES_CORRUPT_FILE naming the file. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CorruptFileError(`${file} is not valid JSON (${(error as Error).message}). Re-save it with SpikeInterface, or fix the file.`, { file }, { cause: error })
  }
}

/** Reads and parses a JSON file of a byte source (at most MAX_JSON_BYTES). */
export async function readJsonSource(source: ByteSource, file: string): Promise<unknown> {
  const size = await source.size()
  if (size > MAX_JSON_BYTES) throw new CorruptFileError(`${file} is ${size} bytes; a SpikeInterface JSON file this large is not expected (limit ${MAX_JSON_BYTES}).`, { file, size, limit: MAX_JSON_BYTES })
  return parseJson(await readText(source, MAX_JSON_BYTES), file)
}

/** Reads and parses `relativePath` of a folder; MissingFileError (with `hint`) when it is absent. */
export async function readFolderJson(folder: FolderSource, relativePath: string, hint: string): Promise<unknown> {
  if (!(await folder.exists(relativePath))) throw new MissingFileError(relativePath, folder.path ?? folder.name, hint, 'spikeinterface')
  const source = await folder.open(relativePath)
  try {
    return await readJsonSource(source, relativePath)
  } finally {
    await source.close()
  }
}

/** What numpysorting_info.json says. */
export interface SortingInfo {
  samplingFrequency: unknown
  unitIds: UnitId[]
  numSegments: number
}

/** Validates numpysorting_info.json: `{ sampling_frequency, unit_ids, num_segments }`. */
export function parseSortingInfo(value: unknown, file: string): SortingInfo {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidDataError(`${file} holds ${Array.isArray(value) ? 'an array' : typeof value}; SpikeInterface writes an object { sampling_frequency, unit_ids, num_segments }.`, { file })
  }
  const v = value as Record<string, unknown>
  const missing = ['sampling_frequency', 'unit_ids', 'num_segments'].filter((k) => !(k in v))
  if (missing.length) throw new InvalidDataError(`${file} lacks ${missing.join(', ')}; SpikeInterface writes sampling_frequency, unit_ids and num_segments.`, { file, missing })
  return { samplingFrequency: v.sampling_frequency, unitIds: checkUnitIds(v.unit_ids, file), numSegments: checkNumSegments(v.num_segments, file) }
}

/** unit_ids: a list of integers or of strings, without repetitions. */
export function checkUnitIds(value: unknown, file: string): UnitId[] {
  if (!Array.isArray(value) || !value.every((id) => (typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'string')) {
    throw new InvalidDataError(`${file}: unit_ids must be a list of integers or strings.`, { file, field: 'unit_ids' })
  }
  const keys = new Set(value.map(String))
  if (keys.size !== value.length) throw new InvalidDataError(`${file}: unit_ids repeats an id; each unit id must be unique.`, { file, field: 'unit_ids' })
  return value as UnitId[]
}

/** num_segments: an integer >= 1. */
export function checkNumSegments(value: unknown, file: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new InvalidDataError(`${file}: num_segments is ${String(value)}; a positive integer is expected.`, { file, field: 'num_segments', value: String(value) })
  return n
}

/** The sampling frequency to use: the override, else the file's, which must be within 1 Hz..10 MHz (InvalidDataError saying what was found). */
export function samplingFrequencyOf(fileValue: unknown, override: number | undefined, file: string): number {
  if (override !== undefined) return override
  const fs = typeof fileValue === 'bigint' ? Number(fileValue) : fileValue
  return checkFileSamplingRate(fs, { file, field: 'sampling_frequency', override: 'pass the samplingFrequency option' })
}

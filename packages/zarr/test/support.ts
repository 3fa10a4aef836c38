import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { memoryFolder, type ByteSource, type FolderSource } from '@spikes/core'
import { filesOf } from '@spikes/testing'

export { filesOf }

export const DATA = fileURLToPath(new URL('./data/', import.meta.url))

export interface Expected {
  attrs: Record<string, unknown>
  arrays: Record<string, { shape: number[]; dtype: string | null; values?: unknown[]; same_values_as?: string }>
}

export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(DATA, `${name}.expected.json`), 'utf8')) as Expected
}

/** The expected values of an array (following same_values_as). */
export function valuesOf(expected: Expected, name: string): unknown[] {
  const entry = expected.arrays[name]!
  return entry.values ?? valuesOf(expected, entry.same_values_as!)
}

/** A folder that records every path opened. */
export function recording(folder: FolderSource): { folder: FolderSource; opened: string[] } {
  const opened: string[] = []
  return {
    opened,
    folder: {
      ...folder,
      list: (sub) => folder.list(sub),
      exists: (p) => folder.exists(p),
      close: () => folder.close(),
      async open(p): Promise<ByteSource> {
        opened.push(p)
        return folder.open(p)
      },
    },
  }
}

/** A memory folder of a fixture, with some files replaced (or removed with null). */
export function fixture(name: string, changes: Record<string, Uint8Array | string | null> = {}): FolderSource {
  const files: Record<string, Uint8Array | string> = filesOf(join(DATA, name))
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete files[k]
    else files[k] = v
  }
  return memoryFolder(files, name)
}

/** Values as the expected JSON writes them: NaN as "NaN", bigints beyond 2^53 as strings. */
export function plain(values: ArrayLike<unknown>): unknown[] {
  return Array.from(values, (v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'bigint' ? (v > 2n ** 53n || v < -(2n ** 53n) ? String(v) : Number(v)) : v))
}

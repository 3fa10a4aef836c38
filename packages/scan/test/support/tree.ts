import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { parquetReadObjects } from 'hyparquet'
import { readFile } from 'node:fs/promises'
import { makeNwb, realdata, sharedAvailable } from '@spikes/testing'

export const REAL = {
  phy: realdata('kilosort_phy', 'phy-data-template'),
  kilosortMatlab: realdata('kilosort_phy', 'bme410-kilosort-matlab'),
  pynapple: realdata('nwb', 'pynapple-phy', 'A8604-211122.nwb'),
}
export const REAL_PRESENT = Object.values(REAL).every(sharedAvailable)

/** Where the tools/ts-run CLI lives: `node <SPIKES_DEV> scan ...` runs the CLI from sources. */
export const SPIKES_DEV = fileURLToPath(new URL('../../../../tools/ts-run/spikes.mjs', import.meta.url))

/**
 * A tree to scan: two KiloSort folders (real data) each counted once, a generated NWB file and a real one,
 * a file that looks like NWB but is cut short (an error row), and two files nothing reads (skipped).
 */
export async function buildTree(root: string): Promise<{ recordings: string[]; skipped: string[]; broken: string }> {
  mkdirSync(join(root, 'lab', 'mouse1'), { recursive: true })
  mkdirSync(join(root, 'lab', 'mouse2', 'day1'), { recursive: true })
  cpSync(REAL.phy, join(root, 'lab', 'mouse1', 'phy'), { recursive: true })
  cpSync(REAL.kilosortMatlab, join(root, 'lab', 'mouse2', 'day1', 'ks'), { recursive: true })
  // That folder comes without the params.py KiloSort writes beside its output; give it one (its sampling rate).
  writeFileSync(join(root, 'lab', 'mouse2', 'day1', 'ks', 'params.py'), "dat_path = 'raw.bin'\nn_channels_dat = 32\ndtype = 'int16'\noffset = 0\nsample_rate = 30000.\nhp_filtered = False\n")
  cpSync(REAL.pynapple, join(root, 'lab', 'mouse2', 'pynapple.nwb'))
  await makeNwb(join(root, 'lab', 'mouse2', 'day1', 'generated.nwb'), { units: 7, spikes: 3000, channels: 4, rawSamples: 0, seed: 11 })
  // A valid HDF5 signature and then nothing: detected as NWB by its name and magic, fails to load.
  const broken = join(root, 'lab', 'mouse1', 'broken.nwb')
  const head = new Uint8Array(2048)
  head.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 0)
  writeFileSync(broken, head)
  writeFileSync(join(root, 'lab', 'notes.txt'), 'not a recording\n')
  writeFileSync(join(root, 'lab', 'mouse1', 'photo.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
  return {
    recordings: [join(root, 'lab/mouse1/broken.nwb'), join(root, 'lab/mouse1/phy'), join(root, 'lab/mouse2/day1/generated.nwb'), join(root, 'lab/mouse2/day1/ks'), join(root, 'lab/mouse2/pynapple.nwb')],
    skipped: [join(root, 'lab/mouse1/photo.jpg'), join(root, 'lab/notes.txt')],
    broken,
  }
}

/** A Parquet file's rows, read back with hyparquet (INT64 columns come back as bigint). */
export async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  return (await parquetReadObjects({ file })) as Record<string, unknown>[]
}

/** Rows without the columns that measure this run rather than the data (wall time). */
export function stable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ seconds: _seconds, ...rest }) => rest)
}

/** Runs SQL in an in-memory DuckDB and returns the rows as JSON-safe objects. */
export async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(sql)
    return reader.getRowObjectsJson() as Record<string, unknown>[]
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

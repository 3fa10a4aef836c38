import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A temporary folder filled with files ({ 'a/b.txt': 'text' | bytes }); removed by the returned cleanup. */
export async function tempFolder(files: Record<string, string | Uint8Array> = {}): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'spikes-test-'))
  for (const [name, content] of Object.entries(files)) {
    const full = join(path, name)
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, content)
  }
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) }
}

/** Every file under `dir` ('/'-separated paths, each prefixed with `prefix`) with its bytes: a folder as `memoryFolder` or a test server takes it. */
export function filesOf(dir: string, prefix = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {}
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) Object.assign(out, filesOf(join(dir, e.name), `${prefix}${e.name}/`))
    else out[`${prefix}${e.name}`] = new Uint8Array(readFileSync(join(dir, e.name)))
  }
  return out
}

/** A numpy .npy file (format 1.0): magic, the header dict text padded to 64 bytes, then `data`. */
export function npyFile(dictText: string, data: Uint8Array): Uint8Array {
  const header = dictText + ' '.repeat((64 - ((10 + dictText.length + 1) % 64)) % 64) + '\n'
  const out = new Uint8Array(10 + header.length + data.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0)
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(data, 10 + header.length)
  return out
}

/** A small deterministic pseudo-random generator for generated fixtures (mulberry32): the one the plain scripts use. */
export { seededRandom } from '../../../tools/seeded-random.mjs'

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

/** A small deterministic pseudo-random generator for generated fixtures (mulberry32): the one the plain scripts use. */
export { seededRandom } from '../../../tools/seeded-random.mjs'

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

/** A small deterministic pseudo-random generator for generated fixtures (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

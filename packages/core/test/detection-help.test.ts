import { describe, expect, it } from 'vitest'
import { bytesSource, LOADER_API_VERSION, LoaderRegistry, memoryFolder, NO_MATCH, UnknownFormatError, type SpikeLoader } from '../src/index.js'
import { UNSUPPORTED_FORMATS, unsupportedFormat } from '../src/loader-utils.js'

/** A file loader for `extensions` that recognises files starting with `magic`. */
function loader(id: string, extensions: string[], magic: string, input: 'file' | 'folder' = 'file'): SpikeLoader {
  return {
    apiVersion: LOADER_API_VERSION,
    id,
    name: `Test ${id}`,
    version: '1.0.0',
    packageName: `@example/${id}`,
    input,
    extensions,
    detect: (probe) =>
      probe.kind === 'file' && new TextDecoder().decode(probe.head.subarray(0, magic.length)) === magic
        ? { confidence: 90, reason: `starts with ${magic}` }
        : probe.kind === 'folder' && probe.files.includes(magic)
          ? { confidence: 90, reason: `has ${magic}` }
          : NO_MATCH,
    load: () => Promise.reject(new Error('not needed')),
  }
}

async function failure(registry: LoaderRegistry, source: Parameters<LoaderRegistry['select']>[0]): Promise<UnknownFormatError> {
  return (await registry.select(source).catch((e: unknown) => e)) as UnknownFormatError
}

describe('detection help in the registry', () => {
  it('names an unsupported format only while no registered loader lists its extension', async () => {
    const plain = new LoaderRegistry([loader('spk', ['spk'], 'SPK1')])
    const mat = await failure(plain, bytesSource(new TextEncoder().encode('MATLAB 5.0'), 'cells.mat'))
    expect(mat.code).toBe('SPIKES_UNKNOWN_FORMAT')
    expect(mat.problem).toContain('it is a MATLAB file, and no installed loader reads MATLAB files')
    expect(mat.details).toMatchObject({ unsupported: 'mat', triedLoaders: ['spk'] })

    // With a loader for .mat registered (CellExplorer, say), another .mat is that loader's business.
    const withMat = new LoaderRegistry([loader('spk', ['spk'], 'SPK1'), loader('cellexplorer', ['mat'], 'MATLAB 5.0 CE')])
    const other = await failure(withMat, bytesSource(new TextEncoder().encode('MATLAB 5.0 other'), 'cells.mat'))
    expect(other.problem).not.toContain('no installed loader reads MATLAB files')
    expect(other.message).toContain('Its extension .mat is that of Test cellexplorer (cellexplorer), but its content is not a layout that loader reads')
    expect(other.hints[0]).toEqual({ kind: 'load-option', option: 'format', example: 'cellexplorer', why: 'to see why it is refused' })
    expect(unsupportedFormat('plx', new Set(['plx']))).toBeUndefined()
    expect(unsupportedFormat('PLX', new Set())?.what).toContain('Plexon')
  })

  it('keeps the unsupported list a table of plain rows', () => {
    const extensions = UNSUPPORTED_FORMATS.flatMap((f) => f.extensions)
    expect(new Set(extensions).size).toBe(extensions.length)
    for (const row of UNSUPPORTED_FORMATS) expect(row.advice).toMatch(/\.$/)
  })

  it('finds the recording inside a folder, and the recordings of a folder of several', async () => {
    const registry = new LoaderRegistry([loader('spk', ['spk'], 'SPK1'), loader('dir', [], 'marker.txt', 'folder')])
    const one = await failure(registry, memoryFolder({ 'notes.txt': 'x', 'rec.spk': 'SPK1....' }, 'session'))
    expect(one.hints).toEqual([{ kind: 'input', input: 'session/rec.spk', why: 'instead: it is the one recording directly in this folder (spk)' }])
    expect(one.message).toContain("Load 'session/rec.spk' instead: it is the one recording directly in this folder (spk).")
    const several = await failure(registry, memoryFolder({ 'a/marker.txt': '', 'b/marker.txt': '', 'c/rec.spk': 'SPK1' }, 'all'))
    expect(several.problem).toBe("Could not recognise the folder 'all' (files: none; folders: a, b, c): it holds 2 recordings, not one: all/a (dir), all/b (dir).")
    expect(several.details.found).toEqual([{ input: 'all/a', format: 'dir' }, { input: 'all/b', format: 'dir' }])
  })

  it('with one recording found directly inside and other subfolders, points to scan for those deeper down', async () => {
    const registry = new LoaderRegistry([loader('dir', [], 'marker.txt', 'folder')])
    const deeper = await failure(registry, memoryFolder({ 'a/marker.txt': '', 'b/sorting/marker.txt': '' }, 'lab'))
    expect(deeper.details.found).toEqual([{ input: 'lab/a', format: 'dir' }])
    expect(deeper.hints).toEqual([
      { kind: 'input', input: 'lab/a', why: 'instead: it is the one recording directly in this folder (dir)' },
      { kind: 'command', command: 'scan', args: ['lab'], why: 'to list every recording under this folder', text: '' },
    ])
    const alone = await failure(registry, memoryFolder({ 'a/marker.txt': '', 'notes.txt': '' }, 'lab'))
    expect(alone.hints).toHaveLength(1)
  })
})

import { existsSync, readFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { bytesSource, type ByteSource, type SpikesError } from '@spikes/core'
import { fileSource as openFile } from '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { field, matNumbers, matScalar, matText, readMat, type MatValue } from '../src/index.js'

const opened: ByteSource[] = []
afterAll(async () => Promise.all(opened.map((s) => s.close?.())))
/** Opens a file source that is closed after the tests. */
async function fileSource(path: string): Promise<ByteSource> {
  const source = await openFile(path)
  opened.push(source)
  return source
}
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const bytes = (name: string) => readFileSync(fixture(name))
const read = (name: string, options = {}) => readMat(bytesSource(bytes(name), name), options)

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: SpikesError) => e.code ?? String(e),
  )
}

// The fixtures are written by fixtures/make_fixtures.py (scipy.io.savemat for Level 5, h5py for v7.3):
// the expected values below are the ones the script puts in.
describe.each(['v5-compressed.mat', 'v5-plain.mat'])('Level 5 (%s)', (name) => {
  it('numeric classes, dimensions and column-major data', async () => {
    const mat = await read(name)
    expect(mat.version).toBe(5)
    expect(mat.description).toMatch(/^MATLAB 5\.0 MAT-file/)
    expect(mat.variables.get('matrix')).toMatchObject({ kind: 'numeric', class: 'double', dims: [2, 3] })
    expect(Array.from(matNumbers(mat.variables.get('matrix'))!)).toEqual([1, 4, 2, 5, 3, 6])
    expect(mat.variables.get('ints')).toMatchObject({ class: 'int16', dims: [1, 3] })
    expect(Array.from(matNumbers(mat.variables.get('ints'))!)).toEqual([-3, 0, 300])
    expect(Array.from(matNumbers(mat.variables.get('big'))!)).toEqual([2 ** 40, 5])
    expect(mat.variables.get('flag')).toMatchObject({ logical: true, dims: [1, 2] })
    const complex = mat.variables.get('complex') as MatValue & { imag: Float64Array }
    expect([complex.kind, matScalar(complex), complex.imag[0]]).toEqual(['numeric', 1, 2])
    expect(mat.variables.get('empty')).toMatchObject({ kind: 'numeric', dims: [0, 0] })
  })

  it('text, cells, structs, struct arrays and sparse matrices', async () => {
    const mat = await read(name)
    expect(matText(mat.variables.get('name'))).toBe('hello')
    expect(mat.variables.get('rows')).toMatchObject({ kind: 'char', dims: [2, 2], rows: ['ab', 'cd'] })
    const cell = mat.variables.get('cell')!
    expect(cell).toMatchObject({ kind: 'cell', dims: [1, 3] })
    const cells = (cell as { cells: MatValue[] }).cells
    expect(Array.from(matNumbers(cells[0])!)).toEqual([1.5, 2.5, 3.5])
    expect(matText(cells[1])).toBe('text')
    expect(cells[2]).toMatchObject({ class: 'int16', dims: [2, 2] })
    expect(Array.from(matNumbers(cells[2])!)).toEqual([1, 3, 2, 4])
    const s = mat.variables.get('scalar_struct')!
    expect(matScalar(field(s, 'a'))).toBe(42)
    expect(matText(field(s, 'b'))).toBe('bee')
    expect(matScalar(field(field(s, 'nested'), 'deep'))).toBe(1)
    const sa = mat.variables.get('struct_array') as MatValue & { elements: Record<string, MatValue>[] }
    expect(sa).toMatchObject({ kind: 'struct', dims: [1, 2], fields: ['id', 'label'] })
    expect(sa.elements.map((e) => [matScalar(e.id), matText(e.label)])).toEqual([
      [7, 'first'],
      [8, 'second'],
    ])
    expect(mat.variables.get('sparse')).toMatchObject({ kind: 'sparse', dims: [2, 2] })
    const sparse = mat.variables.get('sparse') as { rowIndices: Int32Array; columnStarts: Int32Array; data: Float64Array }
    expect([Array.from(sparse.rowIndices), Array.from(sparse.columnStarts), Array.from(sparse.data)]).toEqual([[1, 0], [0, 1, 2], [3, 2]])
  })

  it('keeps only the variables asked for, and names every variable the file holds', async () => {
    const mat = await read(name, { variables: ['name', 'ints'] })
    expect([...mat.variables.keys()].sort()).toEqual(['ints', 'name'])
    expect(mat.names).toEqual(expect.arrayContaining(['matrix', 'ints', 'name', 'sparse']))
    expect(mat.names).toHaveLength(new Set(mat.names).size)
    expect(mat.names.length).toBeGreaterThan(4)
  })
})

describe('v7.3 through @spikes/hdf5', () => {
  it('reads MATLAB classes, char as uint16, cells as references, structs and struct arrays, empties', async () => {
    const mat = await readMat(await fileSource(fixture('v73.mat')))
    expect(mat.version).toBe(7.3)
    expect(mat.description).toMatch(/^MATLAB 7\.3 MAT-file/)
    expect(mat.variables.get('matrix')).toMatchObject({ kind: 'numeric', class: 'double', dims: [2, 3] })
    expect(Array.from(matNumbers(mat.variables.get('matrix'))!)).toEqual([1, 4, 2, 5, 3, 6])
    expect(Array.from(matNumbers(mat.variables.get('ints'))!)).toEqual([-3, 0, 300])
    expect(matText(mat.variables.get('name'))).toBe('hello')
    const cells = (mat.variables.get('cell') as { cells: MatValue[] }).cells
    expect(Array.from(matNumbers(cells[0])!)).toEqual([1.5, 2.5, 3.5])
    expect(matText(cells[1])).toBe('text')
    expect(matText(field(mat.variables.get('scalar_struct'), 'b'))).toBe('bee')
    const sa = mat.variables.get('struct_array') as MatValue & { elements: Record<string, MatValue>[] }
    expect(sa.elements.map((e) => [matScalar(e.id), matText(e.label)])).toEqual([
      [7, 'first'],
      [8, 'second'],
    ])
    expect(mat.variables.get('flag')).toMatchObject({ logical: true, dims: [1, 2] })
    expect(mat.variables.get('empty')).toMatchObject({ kind: 'numeric', dims: [0, 0] })
    expect(mat.variables.has('#refs#')).toBe(false)
  })
})

describe('bad input', () => {
  it('typed errors: truncated, not a MAT-file, budget too small, dims larger than the data', async () => {
    const good = bytes('v5-plain.mat')
    expect(await code(readMat(bytesSource(good.subarray(0, 300), 'x.mat')))).toBe('SPIKES_CORRUPT_FILE')
    expect(await code(readMat(bytesSource(good.subarray(0, 100), 'x.mat')))).toBe('SPIKES_CORRUPT_FILE')
    expect(await code(readMat(bytesSource(new Uint8Array(200), 'x.mat')))).toBe('SPIKES_UNSUPPORTED')
    expect(await code(read('v5-compressed.mat', { maxBytes: 500 }))).toBe('SPIKES_LIMIT_EXCEEDED')
    // The first variable's dimensions claim 2^31 - 1 rows: refused before any allocation.
    const huge = Uint8Array.from(good)
    const view = new DataView(huge.buffer)
    const dimsAt = 128 + 8 + 16 + 8
    view.setInt32(dimsAt, 0x7fffffff, true)
    expect(await code(readMat(bytesSource(huge, 'x.mat')))).toBe('SPIKES_CORRUPT_FILE')
  })
})

/** A Level 5 file of one miCOMPRESSED element holding `inflated` (little-endian header). */
function compressedMat(inflated: Uint8Array): Uint8Array {
  const z = deflateSync(inflated)
  const out = new Uint8Array(128 + 8 + z.length)
  out.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, hostile test'.padEnd(116, ' ')))
  const view = new DataView(out.buffer)
  view.setUint16(124, 0x0100, true)
  out[126] = 0x49
  out[127] = 0x4d
  view.setUint32(128, 15, true) // miCOMPRESSED
  view.setUint32(132, z.length, true)
  out.set(z, 136)
  return out
}

function matrixTag(size: number, extra: number): Uint8Array {
  const bytes = new Uint8Array(8 + extra)
  new DataView(bytes.buffer).setUint32(0, 14, true) // miMATRIX
  new DataView(bytes.buffer).setUint32(4, size, true)
  return bytes
}

describe('bad input (Level 5 compressed elements)', () => {
  it('a zlib bomb stops at the size its element tag claims; claims beyond deflate or the budget are refused before allocating', async () => {
    // 64 MiB of zeros: the tag reads type 0, size 0, so anything past 8 bytes is more than it claims.
    const bomb = await readMat(bytesSource(compressedMat(new Uint8Array(64 * 1024 * 1024)), 'bomb.mat')).catch((e: SpikesError) => e)
    expect(bomb).toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { claimed: 8 } })
    // A tag claiming 1 GiB from a ~40-byte stream: no deflate stream expands that far.
    const claim = await readMat(bytesSource(compressedMat(matrixTag(2 ** 30, 64)), 'claim.mat')).catch((e: SpikesError) => e)
    expect(claim).toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { claimed: 2 ** 30 + 8 } })
    // A genuine 4 MiB element of zeros is within deflate's reach, but not within a 1 MiB budget.
    const big = compressedMat(matrixTag(4 * 1024 * 1024, 4 * 1024 * 1024))
    const limited = await readMat(bytesSource(big, 'big.mat'), { maxBytes: 1024 * 1024 }).catch((e: SpikesError) => e)
    expect(limited).toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', details: { option: 'maxBytes', limit: 1024 * 1024 } })
    // A stream that ends before the size its tag claims.
    const short = await readMat(bytesSource(compressedMat(matrixTag(4096, 100)), 'short.mat')).catch((e: SpikesError) => e)
    expect(short).toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { claimed: 4104, actual: 108 } })
  })
})

// Hostile v7.3 files written by fixtures/make_hostile.py (see its docstring for what each claims).
describe('bad input (v7.3)', () => {
  const open = async (name: string) => fileSource(fixture(name))

  it('datasets claiming more than the file holds are refused before any allocation; the budget covers v7.3 too', async () => {
    const huge = (await code(readMat(await open('v73-huge.mat'), { variables: ['huge'] }))) as string
    expect(huge).toBe('SPIKES_CORRUPT_FILE')
    const error = await readMat(await open('v73-huge.mat'), { variables: ['large'] }).catch((e: SpikesError) => e)
    expect(error).toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { path: '/large', claimedBytes: 800_000_000 } })
    const small = await readMat(await open('v73-huge.mat'), { variables: ['small'] })
    expect(Array.from(matNumbers(small.variables.get('small'))!)).toEqual([1, 2, 3])
    const limited = await readMat(await open('v73-huge.mat'), { variables: ['small'], maxBytes: 16 }).catch((e: SpikesError) => e)
    expect(limited).toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', details: { limit: 16, actual: 24, option: 'maxBytes', path: '/small' } })
  })

  it('an object referenced 2^40 times is read once; a cell that holds itself is a typed error', async () => {
    const mat = await readMat(await open('v73-dag.mat'), { variables: ['dag'] })
    expect(mat.names).toEqual(expect.arrayContaining(['dag', 'loop']))
    expect(mat.names).not.toContain('#refs#')
    let value = mat.variables.get('dag')!
    let levels = 0
    while (value.kind === 'cell') {
      expect(value.cells).toHaveLength(2)
      expect(value.cells[0]).toBe(value.cells[1])
      value = value.cells[0]
      levels++
    }
    expect([levels, matScalar(value)]).toEqual([41, 7])
    expect(await code(readMat(await open('v73-dag.mat'), { variables: ['loop'] }))).toBe('SPIKES_CORRUPT_FILE')
  })

  it('a truncated v7.3 file is a typed error', async () => {
    const bytes = readFileSync(fixture('v73.mat'))
    for (const end of [600, 2048, bytes.length - 100]) {
      expect(await code(readMat(bytesSource(bytes.subarray(0, end), 'cut.mat'))), `cut at ${end}`).toBe('SPIKES_CORRUPT_FILE')
    }
  })
})

const REAL = realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')
const d = existsSync(REAL) || IN_CI ? describe : describe.skip

// Expected values computed at authoring time with scipy (/usr/bin/python3, scipy 1.10):
//   m = scipy.io.loadmat(path, struct_as_record=True); cm = m['cell_metrics']; len(cm.dtype.names) == 76
//   t = cm['spikes'][0,0]['times'][0,0][0,0].ravel(): len 70065, t[0] 0.4703, t[-1] 4806.987866666666
d('real CellExplorer file (Level 5, compressed)', () => {
  it('reads cell_metrics with its 76 fields and the spike times', async () => {
    const mat = await readMat(await fileSource(REAL))
    const cm = mat.variables.get('cell_metrics') as MatValue & { fields: string[] }
    expect(cm.fields).toHaveLength(76)
    expect(matScalar(field(cm, 'UID'))).toBe(9)
    expect(matScalar(field(cm, 'cluID'))).toBe(10)
    expect(matText(field(cm, 'putativeCellType'))).toBe('Narrow Interneuron')
    expect(matText(field(cm, 'brainRegion'))).toBe('HIP')
    const times = field(field(cm, 'spikes'), 'times') as { cells: MatValue[] }
    const t = matNumbers(times.cells[0])!
    expect([t.length, t[0], t[t.length - 1]]).toEqual([70065, 0.4703, 4806.987866666666])
  })
})

describe('peekMatVariableName', () => {
  it('names the first variable from the first bytes, compressed or not', async () => {
    const { peekMatVariableName } = await import('../src/index.js')
    expect(peekMatVariableName(bytes('v5-compressed.mat').subarray(0, 400))).toBe('matrix')
    expect(peekMatVariableName(bytes('v5-plain.mat').subarray(0, 400))).toBe('matrix')
    expect(peekMatVariableName(bytes('v73.mat').subarray(0, 400))).toBeUndefined()
    expect(peekMatVariableName(new Uint8Array(300))).toBeUndefined()
    if (existsSync(REAL)) expect(peekMatVariableName(readFileSync(REAL).subarray(0, 65536))).toBe('cell_metrics')
  })
})

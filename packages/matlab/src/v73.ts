import { InvalidDataError, LimitExceededError, type ByteSource } from '@spikes/core'
import { withHdf5, type Hdf5Dataset, type Hdf5File } from '@spikes/hdf5'
import { corruptMat } from './errors.js'
import { DEFAULT_MAX_BYTES, type ReadMatOptions } from './read-mat.js'
import { elementCount, MAT_CLASS_ARRAYS, type MatNumericClass, type MatNumbers, type MatValue } from './values.js'

// MATLAB v7.3 MAT-files are HDF5 files (a 512-byte user block holds the MAT header): each variable is a
// root member with a MATLAB_class attribute; dimensions are the HDF5 shape reversed (so the stored C-order
// data is MATLAB's column-major data); char arrays are uint16 code units; cell arrays are datasets of
// object references into /#refs#; structs are groups (struct arrays: fields of references); empty arrays
// carry MATLAB_empty = 1 and store their dimensions as data.
const MAX_DEPTH = 64
const NUMERIC = new Set<string>(['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'])
const HIDDEN = new Set(['#refs#', '#subsystem#'])
/** Bytes one stored object reference stands for in the budget (the reference, plus the work of following it). */
const REFERENCE_BYTES = 64
/** HDF5's deflate can shrink data about 1000-fold; a chunked dataset claiming more than this × the file is corrupt. */
const MAX_CHUNKED_RATIO = 1100

/** What one v7.3 read shares: the file, its size, the byte budget left, and the values already read by path. */
interface Reader {
  file: Hdf5File
  fileBytes: number
  maxBytes: number
  left: number
  /** Cells and struct arrays may reference one object many times: each object is read once. */
  done: Map<string, MatValue>
}

export async function readMat73(source: ByteSource, options: ReadMatOptions): Promise<{ variables: Map<string, MatValue>; names: string[] }> {
  const fileBytes = await source.size()
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  return withHdf5(
    source,
    (file) => {
      const reader: Reader = { file, fileBytes, maxBytes, left: maxBytes, done: new Map() }
      const wanted = options.variables ? new Set(options.variables) : undefined
      const variables = new Map<string, MatValue>()
      const names = file.list('/').filter((name) => !HIDDEN.has(name))
      for (const name of names) {
        if (wanted && !wanted.has(name)) continue
        variables.set(name, readNode(reader, `/${name}`, 0))
      }
      return { variables, names }
    },
    { signal: options.signal },
  )
}

/** Charges `bytes` to the budget, refusing what the budget (maxBytes) or the file cannot hold before anything is allocated. */
function spend(reader: Reader, ds: Hdf5Dataset, bytes: number): void {
  const stored = ds.size * ds.dtype.bytes
  const limit = ds.chunks === null ? reader.fileBytes : reader.fileBytes * MAX_CHUNKED_RATIO
  if (stored > limit) {
    throw corruptMat(reader.file.name, `${ds.path} claims ${ds.size} elements (${stored} bytes), more than the file (${reader.fileBytes} bytes) can hold.`, { path: ds.path, claimedBytes: stored, fileBytes: reader.fileBytes })
  }
  if (bytes > reader.left) {
    throw new LimitExceededError(`${reader.file.name}: ${ds.path} needs ${bytes} bytes, more than the ${reader.left} left of the read limit of ${reader.maxBytes} bytes; raise maxBytes.`, {
      limit: reader.maxBytes,
      actual: reader.maxBytes - reader.left + bytes,
      what: 'dataset',
      option: 'maxBytes',
      file: reader.file.name,
      path: ds.path,
    })
  }
  reader.left -= bytes
}

function matlabClass(file: Hdf5File, path: string): string | undefined {
  const value = file.attr(path, 'MATLAB_class')
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, '')
  return undefined
}

function readNode(reader: Reader, path: string, depth: number): MatValue {
  const known = reader.done.get(path)
  if (known) return known
  if (depth > MAX_DEPTH) throw corruptMat(reader.file.name, `values nest more than ${MAX_DEPTH} levels deep at ${path}.`, { path })
  const value = readValue(reader, path, depth)
  reader.done.set(path, value)
  return value
}

function readValue(reader: Reader, path: string, depth: number): MatValue {
  const file = reader.file
  const cls = matlabClass(file, path)
  if (file.kind(path) === 'group') {
    if (cls !== undefined && cls !== 'struct') return { kind: 'opaque', className: cls }
    return readStruct(reader, path, depth)
  }
  const ds = file.dataset(path)
  const dims = ds.shape === null ? [0, 0] : matlabDims(ds.shape)
  const empty = file.attr(path, 'MATLAB_empty')
  if (empty !== undefined && Number(empty) !== 0) return emptyValue(ds, cls)
  if (cls === 'cell' || (cls === undefined && ds.dtype.class === 'reference')) {
    return { kind: 'cell', dims, cells: references(reader, ds).map((ref) => readNode(reader, file.resolveReference(ref).path, depth + 1)) }
  }
  if (cls === 'char') return { kind: 'char', dims, rows: charRows(numbers(reader, ds, 'uint16'), dims) }
  if (cls === 'logical') return { kind: 'numeric', class: 'uint8', dims, data: numbers(reader, ds, 'uint8'), logical: true }
  if (cls !== undefined && NUMERIC.has(cls)) return { kind: 'numeric', class: cls as MatNumericClass, dims, data: numbers(reader, ds, cls as MatNumericClass), logical: false }
  if (cls === undefined && ds.isNumeric()) return { kind: 'numeric', class: 'double', dims, data: numbers(reader, ds, 'double'), logical: false }
  return { kind: 'opaque', ...(cls ? { className: cls } : {}) }
}

function references(reader: Reader, ds: Hdf5Dataset): ReturnType<Hdf5Dataset['readReferences']> {
  spend(reader, ds, ds.size * REFERENCE_BYTES)
  return ds.readReferences()
}

function matlabDims(shape: number[]): number[] {
  const dims = [...shape].reverse()
  while (dims.length < 2) dims.push(1)
  return dims
}

function emptyValue(ds: Hdf5Dataset, cls: string | undefined): MatValue {
  const stored = ds.isNumeric() && ds.size <= 32 ? Array.from(ds.readNumeric()) : [0, 0]
  const dims = stored.length >= 2 ? stored : [0, 0]
  if (cls === 'char') return { kind: 'char', dims, rows: [] }
  if (cls === 'cell') return { kind: 'cell', dims, cells: [] }
  if (cls === 'struct') return { kind: 'struct', dims, fields: [], elements: [] }
  return { kind: 'numeric', class: cls && NUMERIC.has(cls) ? (cls as MatNumericClass) : 'double', dims, data: new Float64Array(0), logical: cls === 'logical' }
}

function numbers(reader: Reader, ds: Hdf5Dataset, cls: MatNumericClass): MatNumbers {
  if (!ds.isNumeric()) throw new InvalidDataError(`${ds.path} is marked MATLAB class '${cls}' but holds ${ds.dtype.numpy}.`, { dataset: ds.path, dtype: ds.dtype.numpy })
  const Out = MAT_CLASS_ARRAYS[cls]
  spend(reader, ds, ds.size * Out.BYTES_PER_ELEMENT)
  const out = new Out(ds.size)
  return ds.readNumeric({ out }) as MatNumbers
}

function charRows(codes: MatNumbers, dims: number[]): string[] {
  const rows = dims[0]
  const columns = rows === 0 ? 0 : codes.length / rows
  return Array.from({ length: rows }, (_, r) => {
    let text = ''
    for (let c = 0; c < columns; c++) text += String.fromCharCode(codes[r + c * rows])
    return text
  })
}

function readStruct(reader: Reader, path: string, depth: number): MatValue {
  const file = reader.file
  const fields = file.list(path)
  const children = fields.map((f) => `${path}/${f}`)
  // A struct array stores each field as references, one per element; a scalar struct stores the values.
  const arrayField = children.find((p) => file.kind(p) === 'dataset' && matlabClass(file, p) === undefined && file.dataset(p).dtype.class === 'reference')
  if (arrayField && children.every((p) => file.kind(p) === 'dataset' && file.dataset(p).dtype.class === 'reference')) {
    const shape = file.dataset(arrayField).shape ?? [0]
    const dims = matlabDims(shape)
    const refs = children.map((p) => references(reader, file.dataset(p)))
    const count = elementCount(dims)
    if (refs.some((r) => r.length !== count)) throw corruptMat(file.name, `the fields of struct array ${path} hold different numbers of elements.`, { path })
    const elements = Array.from({ length: count }, (_, e) => Object.fromEntries(fields.map((f, k) => [f, readNode(reader, file.resolveReference(refs[k][e]).path, depth + 1)])))
    return { kind: 'struct', dims, fields, elements }
  }
  const element = Object.fromEntries(fields.map((f, k) => [f, readNode(reader, children[k], depth + 1)]))
  return { kind: 'struct', dims: [1, 1], fields, elements: [element] }
}

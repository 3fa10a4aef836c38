import { corruptMat } from './errors.js'
import { expectTag, MI, MI_SIZE, MX, MX_NUMERIC, readName, readNumbers, readTag, type Bytes, type Tag } from './v5-elements.js'
import { elementCount, type MatStruct, type MatValue } from './values.js'

/** Nesting deeper than this (cells in structs in cells...) is refused rather than followed. */
export const MAX_DEPTH = 64
const INTEGER_TYPES = [MI.INT8, MI.UINT8, MI.INT16, MI.UINT16, MI.INT32, MI.UINT32]
const NAME_TYPES = [MI.INT8, MI.UINT8, MI.UTF8]

/** A named variable: an miMATRIX element's name and value. */
export interface NamedValue {
  name: string
  value: MatValue
}

/** Parses the miMATRIX element whose tag is `tag` (its data between tag.start and tag.start + tag.size). */
export function readMatrix(b: Bytes, tag: Tag, depth = 0): NamedValue {
  if (depth > MAX_DEPTH) throw corruptMat(b.file, `arrays nest more than ${MAX_DEPTH} levels deep at byte ${tag.start - 8}.`, { offset: tag.start - 8 })
  const end = tag.start + tag.size
  if (tag.size === 0) return { name: '', value: { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0), logical: false } }
  const flagsTag = expectTag(b, tag.start, end, 'the array flags', [MI.UINT32])
  if (flagsTag.size < 8) throw corruptMat(b.file, `the array flags at byte ${tag.start} hold ${flagsTag.size} bytes; 8 are needed.`, { offset: tag.start })
  const flags = b.view.getUint32(flagsTag.start, b.little)
  const cls = flags & 0xff
  const complex = (flags & 0x800) !== 0
  const logical = (flags & 0x200) !== 0
  if (cls === MX.OPAQUE || cls === MX.FUNCTION) return opaque(b, flagsTag.next, end)
  const dimsTag = expectTag(b, flagsTag.next, end, 'the dimensions', [MI.INT32])
  const dims = readNumbers(b, dimsTag, 'int32', dimsTag.size / 4)
  if (dims.length < 2 || dims.some((d) => d < 0)) throw corruptMat(b.file, `the dimensions at byte ${dimsTag.start - 8} are [${Array.from(dims).join(', ')}]; MATLAB arrays have two or more non-negative dimensions.`, { offset: dimsTag.start - 8 })
  const nameTag = expectTag(b, dimsTag.next, end, 'the array name', NAME_TYPES)
  const name = readName(b, nameTag)
  const shape = Array.from(dims)
  const count = elementCount(shape)
  const at = nameTag.next
  const numeric = MX_NUMERIC[cls]
  if (numeric) {
    const real = expectTag(b, at, end, 'the real part', numericTypes())
    const data = readNumbers(b, real, numeric, count)
    const imag = complex ? readNumbers(b, expectTag(b, real.next, end, 'the imaginary part', numericTypes()), numeric, count) : undefined
    return { name, value: { kind: 'numeric', class: numeric, dims: shape, data, ...(imag ? { imag } : {}), logical } }
  }
  switch (cls) {
    case MX.CHAR:
      return { name, value: readChar(b, at, end, shape, count) }
    case MX.CELL:
      return { name, value: { kind: 'cell', dims: shape, cells: readChildren(b, at, end, count, depth).map((c) => c.value) } }
    case MX.STRUCT:
      return { name, value: readStruct(b, at, end, shape, count, depth) }
    case MX.OBJECT: {
      const classTag = expectTag(b, at, end, 'the class name', NAME_TYPES)
      return { name, value: { ...readStruct(b, classTag.next, end, shape, count, depth), className: readName(b, classTag) } }
    }
    case MX.SPARSE:
      return { name, value: readSparse(b, at, end, shape, logical) }
    default:
      throw corruptMat(b.file, `the array at byte ${tag.start - 8} has class ${cls}, which MAT-files do not define.`, { offset: tag.start - 8, class: cls })
  }
}

function numericTypes(): number[] {
  return [MI.INT8, MI.UINT8, MI.INT16, MI.UINT16, MI.INT32, MI.UINT32, MI.SINGLE, MI.DOUBLE, MI.INT64, MI.UINT64]
}

/** Function handles and MCOS objects (string, table, ...): the class name when it can be read, nothing else. */
function opaque(b: Bytes, at: number, end: number): NamedValue {
  const nameTag = readTag(b, at, end)
  const name = NAME_TYPES.includes(nameTag.type as never) ? readName(b, nameTag) : ''
  let className: string | undefined
  if (nameTag.next + 8 <= end) {
    const system = readTag(b, nameTag.next, end)
    if (system.next + 8 <= end) {
      const cls = readTag(b, system.next, end)
      if (NAME_TYPES.includes(cls.type as never)) className = readName(b, cls)
    }
  }
  return { name, value: { kind: 'opaque', ...(className ? { className } : {}) } }
}

function readChar(b: Bytes, at: number, end: number, dims: number[], count: number): MatValue {
  const tag = readTag(b, at, end)
  if (tag.type === MI.UTF8) {
    // UTF-8 characters vary in width: decode, then reshape when there is one code point per element.
    const points = Array.from(new TextDecoder().decode(b.bytes.subarray(tag.start, tag.start + tag.size)), (ch) => ch.codePointAt(0) ?? 0)
    if (points.length !== count) return { kind: 'char', dims, rows: count === 0 ? [] : [points.map((p) => String.fromCodePoint(p)).join('')] }
    return { kind: 'char', dims, rows: charRows(points, dims[0], count) }
  }
  const width = MI_SIZE[tag.type]
  if (width === undefined || tag.type === MI.SINGLE || tag.type === MI.DOUBLE) throw corruptMat(b.file, `char data at byte ${at} has data type ${tag.type}.`, { offset: at, type: tag.type })
  return { kind: 'char', dims, rows: charRows(readNumbers(b, tag, 'double', count), dims[0], count) }
}

/** Column-major character codes as one string per row. */
function charRows(codes: ArrayLike<number>, rowCount: number, count: number): string[] {
  const columns = rowCount === 0 ? 0 : count / rowCount
  const rows: string[] = []
  for (let r = 0; r < rowCount; r++) {
    let text = ''
    for (let c = 0; c < columns; c++) text += String.fromCodePoint(Math.min(0x10ffff, Math.max(0, codes[r + c * rowCount] | 0)))
    rows.push(text)
  }
  return rows
}

/** `count` nested miMATRIX elements; each needs at least its 8-byte tag, checked before the array is made. */
function readChildren(b: Bytes, at: number, end: number, count: number, depth: number): NamedValue[] {
  if (count > (end - at) / 8) throw corruptMat(b.file, `an array at byte ${at} claims ${count} elements, more than its ${end - at} bytes can hold.`, { offset: at, count })
  const out: NamedValue[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const tag = expectTag(b, at, end, 'a cell or field value', [MI.MATRIX])
    out[i] = readMatrix(b, tag, depth + 1)
    at = tag.next
  }
  return out
}

function readStruct(b: Bytes, at: number, end: number, dims: number[], count: number, depth: number): MatStruct {
  const lengthTag = expectTag(b, at, end, 'the field name length', [MI.INT32])
  const length = b.view.getInt32(lengthTag.start, b.little)
  const namesTag = expectTag(b, lengthTag.next, end, 'the field names', NAME_TYPES)
  if (length <= 0 ? namesTag.size !== 0 : namesTag.size % length !== 0) throw corruptMat(b.file, `the field names at byte ${namesTag.start - 8} (${namesTag.size} bytes) are not a whole number of ${length}-byte names.`, { offset: namesTag.start - 8, length })
  const fieldCount = length > 0 ? namesTag.size / length : 0
  const fields = Array.from({ length: fieldCount }, (_, i) => readName(b, { ...namesTag, start: namesTag.start + i * length, size: length }))
  const values = readChildren(b, namesTag.next, end, count * fieldCount, depth)
  const elements = Array.from({ length: count }, (_, e) => Object.fromEntries(fields.map((f, k) => [f, values[e * fieldCount + k].value])) as Record<string, MatValue>)
  return { kind: 'struct', dims, fields, elements }
}

function readSparse(b: Bytes, at: number, end: number, dims: number[], logical: boolean): MatValue {
  const ir = expectTag(b, at, end, 'the sparse row indices', INTEGER_TYPES)
  const jc = expectTag(b, ir.next, end, 'the sparse column starts', INTEGER_TYPES)
  const pr = expectTag(b, jc.next, end, 'the sparse values', numericTypes())
  const rowIndices = Int32Array.from(readNumbers(b, ir, 'double', ir.size / MI_SIZE[ir.type]))
  const columnStarts = Int32Array.from(readNumbers(b, jc, 'double', jc.size / MI_SIZE[jc.type]))
  const data = readNumbers(b, pr, 'double', pr.size / MI_SIZE[pr.type]) as Float64Array
  return { kind: 'sparse', dims, rowIndices, columnStarts, data, logical }
}

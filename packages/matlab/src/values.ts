/** MATLAB's numeric classes, as MAT files name them. */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'

/** Numbers of a numeric or logical array, column-major (MATLAB's order). int64/uint64 are read as numbers. */
export type MatNumbers = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array

/** The array each numeric class is read into (int64/uint64 as numbers: exact below 2^53). */
export const MAT_CLASS_ARRAYS: Readonly<Record<MatNumericClass, (new (n: number) => MatNumbers) & { BYTES_PER_ELEMENT: number }>> = {
  double: Float64Array,
  single: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: Float64Array,
  uint64: Float64Array,
}

/** A numeric or logical array (mxDOUBLE_CLASS … mxUINT64_CLASS, logical flag). */
export interface MatNumeric {
  kind: 'numeric'
  class: MatNumericClass
  /** MATLAB dimensions (at least two), e.g. [1, 5] for a row vector. */
  dims: number[]
  /** Real part, column-major. */
  data: MatNumbers
  imag?: MatNumbers
  logical: boolean
}

/** A char array. */
export interface MatChar {
  kind: 'char'
  dims: number[]
  /** One string per row (a 1×n char array is one string). */
  rows: string[]
}

/** A cell array. */
export interface MatCell {
  kind: 'cell'
  dims: number[]
  /** Column-major. */
  cells: MatValue[]
}

/** A struct array (or a MATLAB object: a struct with a class name). */
export interface MatStruct {
  kind: 'struct'
  dims: number[]
  fields: string[]
  /** One record per element, column-major (one for a scalar struct). */
  elements: Record<string, MatValue>[]
  /** The class name of a MATLAB object (mxOBJECT_CLASS), absent for a plain struct. */
  className?: string
}

/** A sparse matrix in compressed-column form (real part). */
export interface MatSparse {
  kind: 'sparse'
  dims: number[]
  rowIndices: Int32Array
  columnStarts: Int32Array
  data: Float64Array
  logical: boolean
}

/** What is kept of classes this reader does not decode (function handles, MCOS objects such as `string`). */
export interface MatOpaque {
  kind: 'opaque'
  className?: string
}

/** Any value a MAT-file holds, told apart by `kind`. */
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct | MatSparse | MatOpaque

/** The number of elements dimensions describe (1 for a scalar, 0 when any dimension is 0). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1)
}

/** The field of a scalar struct (element 0), or undefined. */
export function field(value: MatValue | undefined, name: string): MatValue | undefined {
  return value?.kind === 'struct' ? value.elements[0]?.[name] : undefined
}

/** A char array as text (rows joined by '\n'), or undefined for any other value. */
export function matText(value: MatValue | undefined): string | undefined {
  if (value?.kind === 'char') return value.rows.join('\n')
  if (value?.kind === 'cell' && value.cells.length === 1) return matText(value.cells[0])
  return undefined
}

/** The numbers of a numeric or logical array (real part), or undefined. */
export function matNumbers(value: MatValue | undefined): MatNumbers | undefined {
  return value?.kind === 'numeric' ? value.data : undefined
}

/** One number when the value is a numeric scalar. */
export function matScalar(value: MatValue | undefined): number | undefined {
  return value?.kind === 'numeric' && value.data.length === 1 ? Number(value.data[0]) : undefined
}

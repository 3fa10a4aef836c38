/** Typed arrays whose elements are plain numbers (no BigInt64Array / BigUint64Array). */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array

/** True for any ArrayBuffer view except DataView, BigInt64Array and BigUint64Array. */
export function isNumericArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)
}

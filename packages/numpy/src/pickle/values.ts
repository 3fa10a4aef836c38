import type { PickledArray } from './array.js'
import type { PickledDtype } from './dtype.js'

/**
 * What an unpickled value can be. Python values map to plain JavaScript where one fits:
 * None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number, str -> string,
 * bytes / bytearray -> Uint8Array, list -> Array, tuple -> frozen Array, dict -> Map,
 * set / frozenset -> Set, complex -> PyComplex. numpy arrays become PickledArray, numpy dtypes
 * PickledDtype, numpy scalars their plain value, and instances of allowlisted classes (SpikeLab's)
 * inert PickledObject records: their state is kept as data, no method of theirs exists here.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | readonly PickleValue[]
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PyComplex
  | PickledArray
  | PickledDtype
  | PickledObject
  | PickleGlobal

/** A Python complex number (also numpy complex scalars). */
export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

/** What an allowlisted global stands for; the unpickler dispatches on it, nothing is looked up by name. */
export type GlobalKind =
  | 'ndarray'
  | 'dtype'
  | 'reconstruct'
  | 'frombuffer'
  | 'scalar'
  | 'codecs-encode'
  | 'copyreg-reconstructor'
  | 'object'
  | 'bytes'
  | 'bytearray'
  | 'set'
  | 'frozenset'
  | 'list'
  | 'tuple'
  | 'dict'
  | 'complex'
  | 'record-class'

/** A reference to an allowlisted Python global (function or class). Inert: it is only ever compared. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly kind: GlobalKind,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`
  }
}

/**
 * An instance of an allowlisted class (SpikeLab's SpikeData, RateData, ...), as data: the class name,
 * the constructor arguments the pickle gave (usually none) and the state it restored (`__dict__`).
 */
export class PickledObject {
  /** The instance's `__dict__` as the pickle stored it (empty until BUILD). */
  readonly dict = new Map<PickleValue, PickleValue>()
  /** Any state that is not a plain dict (a custom `__setstate__` payload), kept as is. */
  extraState: PickleValue | undefined = undefined

  constructor(
    readonly cls: PickleGlobal,
    readonly args: readonly PickleValue[],
  ) {}

  get className(): string {
    return this.cls.name
  }

  get qualifiedName(): string {
    return this.cls.qualifiedName
  }

  /** One attribute of the restored `__dict__` (undefined when absent). */
  get(key: string): PickleValue | undefined {
    return this.dict.get(key)
  }

  /** True when the restored `__dict__` has `key`. */
  has(key: string): boolean {
    return this.dict.has(key)
  }
}

/** True for a Python tuple (the unpickler freezes tuples and only tuples). */
export function isPickleTuple(value: unknown): value is readonly PickleValue[] {
  return Array.isArray(value) && Object.isFrozen(value)
}

/** Python's type name of an unpickled value, for messages ("dict", "list", "ndarray", "SpikeData"). */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'string') return 'str'
  if (value instanceof Uint8Array) return 'bytes'
  if (Array.isArray(value)) return Object.isFrozen(value) ? 'tuple' : 'list'
  if (value instanceof Map) return 'dict'
  if (value instanceof Set) return 'set'
  if (value instanceof PyComplex) return 'complex'
  if (value instanceof PickledObject) return value.className
  if (value instanceof PickleGlobal) return value.kind === 'record-class' || value.kind === 'ndarray' || value.kind === 'dtype' ? 'type' : 'builtin_function_or_method'
  const ctor = (value as { constructor?: { pyName?: string } }).constructor
  return ctor?.pyName ?? typeof value
}

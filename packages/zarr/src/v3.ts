import { InvalidDataError, UnsupportedError } from '@spikes/core'
import { checkGrid, fillBytes, intList, type ZarrArrayMetadata, type ZarrSharding } from './array.js'
import { checkCodec, checkFilter, type CodecConfig } from './codecs.js'
import { parseDtype, type ZarrDtype } from './dtype.js'

// Zarr v3 (zarr-specs.readthedocs.io, v3/core): one `zarr.json` per node with `zarr_format` 3 and `node_type`
// "group" or "array". An array's chunks go through a chain of codecs: array→array codecs (transpose; zarr-python 3's
// numcodecs filters, named "numcodecs.<id>"), exactly one array→bytes codec (bytes, or sharding_indexed), then
// bytes→bytes codecs (blosc, zstd, gzip, crc32c, "numcodecs.<id>"). Each is decoded here by the v2 codec code.

/** The Zarr v3 core data types this reader maps to a numpy type code (byte order from the `bytes` codec). */
const DATA_TYPES: Record<string, string> = {
  bool: 'b1',
  int8: 'i1',
  int16: 'i2',
  int32: 'i4',
  int64: 'i8',
  uint8: 'u1',
  uint16: 'u2',
  uint32: 'u4',
  uint64: 'u8',
  float16: 'f2',
  float32: 'f4',
  float64: 'f8',
}

const ARRAY_KEYS = new Set(['zarr_format', 'node_type', 'shape', 'data_type', 'chunk_grid', 'chunk_key_encoding', 'fill_value', 'codecs', 'attributes', 'dimension_names', 'storage_transformers'])
const GROUP_KEYS = new Set(['zarr_format', 'node_type', 'attributes', 'consolidated_metadata'])
const BLOSC_SHUFFLE: Record<string, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 }
const BLOSC_CNAMES = ['lz4', 'lz4hc', 'blosclz', 'zstd', 'zlib', 'snappy']
const MAX_CODECS = 16

type Doc = Record<string, unknown>

function invalid(file: string, field: string, message: string, details: Record<string, unknown> = {}): InvalidDataError {
  return new InvalidDataError(`${file}: ${message}`, { file, field, ...details })
}

function short(value: unknown): string {
  return String(JSON.stringify(value)).slice(0, 100)
}

/**
 * Checks the common part of a v3 node document: a JSON object with `zarr_format` 3, `node_type` as expected (or
 * either), `attributes` an object when present, and no unknown field that must be understood (the spec's extension
 * rule: an unknown field is ignored only when it is an object with `"must_understand": false`).
 */
export function checkNodeV3(doc: unknown, file: string, nodeType?: 'group' | 'array'): Doc {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid(file, 'zarr.json', 'is not a JSON object.')
  const d = doc as Doc
  if (d.zarr_format !== 3) throw invalid(file, 'zarr_format', `zarr_format is ${short(d.zarr_format)}; a zarr.json document has zarr_format 3.`, { value: String(d.zarr_format) })
  if (d.node_type !== 'group' && d.node_type !== 'array') throw invalid(file, 'node_type', `node_type is ${short(d.node_type)}; Zarr v3 has "group" and "array".`, { value: String(d.node_type) })
  if (nodeType && d.node_type !== nodeType) throw invalid(file, 'node_type', `node_type is "${d.node_type}" where ${nodeType === 'group' ? 'a group' : 'an array'} is expected.`, { value: d.node_type })
  const known = d.node_type === 'array' ? ARRAY_KEYS : GROUP_KEYS
  for (const [key, value] of Object.entries(d)) {
    if (known.has(key)) continue
    if (value && typeof value === 'object' && !Array.isArray(value) && (value as Doc).must_understand === false) continue
    throw new UnsupportedError('extension', `${file}: field "${key}" is an extension this reader does not understand (it is not marked "must_understand": false).`, { file, field: key })
  }
  if (d.attributes !== undefined && (!d.attributes || typeof d.attributes !== 'object' || Array.isArray(d.attributes))) throw invalid(file, 'attributes', 'attributes is not a JSON object.')
  return d
}

/** The `attributes` of a checked v3 node document ({} when absent). */
export function attributesV3(doc: Doc): Record<string, unknown> {
  return (doc.attributes as Record<string, unknown> | undefined) ?? {}
}

/** A v3 "named configuration": `{ name, configuration? }`, or a bare name string (the spec's short-hand). */
function named(value: unknown, file: string, field: string): { name: string; config: Doc } {
  if (typeof value === 'string') return { name: value, config: {} }
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Doc).name !== 'string') throw invalid(file, field, `${field} entry ${short(value)} is not a {"name", "configuration"} object.`)
  const config = (value as Doc).configuration ?? {}
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw invalid(file, field, `${field} "${(value as Doc).name}" has a configuration that is not an object.`)
  return { name: (value as Doc).name as string, config: config as Doc }
}

/**
 * Checks a parsed Zarr v3 array `zarr.json` and maps it onto the reader's array metadata: `data_type` (bool,
 * int8…int64, uint8…uint64, float16/32/64; `fixed_length_utf32` and `null_terminated_bytes` as numpy `U` / `S`;
 * `string`, `variable_length_bytes` and `bytes` with their `vlen-utf8` / `vlen-bytes` codec as kind `T`; other types
 * are an UnsupportedError `feature: 'dtype'`), a regular
 * `chunk_grid`, the `default` or `v2` `chunk_key_encoding`, `fill_value` (numbers, "NaN", "Infinity",
 * "-Infinity", hex bit patterns of floats, booleans) and the `codecs` chain: `transpose` (identity or a full
 * reversal, read as F order), `numcodecs.delta`, `bytes` (endian), then at most one compressor — `blosc`, `zstd`,
 * `gzip` or `numcodecs.{blosc,zstd,lz4,zlib,gzip}`; or `sharding_indexed` (its inner chain as above, its index
 * little-endian with an optional `crc32c`, at the start or end of each shard) with no codec around it. Other codecs
 * are an UnsupportedError (`feature: 'codec'`, `codec`). A malformed document is an InvalidDataError (`file`, `field`).
 */
export function parseArrayMetadataV3(doc: unknown, file: string): ZarrArrayMetadata {
  const d = checkNodeV3(doc, file, 'array')
  const shape = intList(d.shape, 'shape', file, 0)
  const text = typeDescr(d.data_type, file)

  const grid = named(d.chunk_grid, file, 'chunk_grid')
  if (grid.name !== 'regular') throw new UnsupportedError('chunk_grid', `${file}: chunk_grid "${grid.name}" is not read (only "regular").`, { file, chunkGrid: grid.name })
  const chunks = intList(grid.config.chunk_shape, 'chunk_grid', file, 1)

  const keys = named(d.chunk_key_encoding, file, 'chunk_key_encoding')
  if (keys.name !== 'default' && keys.name !== 'v2') throw new UnsupportedError('chunk_key_encoding', `${file}: chunk_key_encoding "${keys.name}" is not read ("default" and "v2" are).`, { file, encoding: keys.name })
  const separator = keys.config.separator ?? (keys.name === 'default' ? '/' : '.')
  if (separator !== '/' && separator !== '.') throw invalid(file, 'chunk_key_encoding', `chunk_key_encoding separator ${short(separator)}; "/" and "." are defined.`, { value: String(separator) })

  if (d.storage_transformers !== undefined && d.storage_transformers !== null && !(Array.isArray(d.storage_transformers) && d.storage_transformers.length === 0)) {
    throw new UnsupportedError('storage_transformer', `${file}: storage_transformers ${short(d.storage_transformers)} are not read.`, { file })
  }

  const chain = parseChain(d.codecs, shape.length, file, false)
  const { endian } = chain
  const vlenType = text === 'T:string' ? 'vlen-utf8' : text === 'T:bytes' ? 'vlen-bytes' : undefined
  if (vlenType && chain.sharding) throw new UnsupportedError('codec', `${file}: sharding_indexed over variable-length ${vlenType === 'vlen-utf8' ? 'strings' : 'bytes'} is not read.`, { file, codec: 'sharding_indexed', role: 'compressor' })
  if ((chain.vlen ?? undefined) !== vlenType) {
    if (!vlenType) throw invalid(file, 'codecs', `codec "${chain.vlen}" encodes variable-length strings; data_type ${short(d.data_type)} is not one.`, { codec: chain.vlen })
    throw invalid(file, 'codecs', `data_type ${short(d.data_type)} is variable-length; its array→bytes codec must be "${vlenType}".`, { codec: chain.vlen ?? 'bytes' })
  }
  const dtype = vlenType ? vlenDtype(d.data_type as string | Doc) : parseDtype(/^[biu]1$|^S/.test(text) ? `|${text}` : `${endian === 'big' ? '>' : '<'}${text}`, file)
  checkGrid(shape, chunks, dtype, file, 'chunk_grid')
  for (const f of chain.filters) checkFilter(f, dtype, file)
  const sharding = chain.sharding
  if (sharding) {
    for (const f of sharding.filters) checkFilter(f, dtype, file)
    if (sharding.chunks.length !== chunks.length || sharding.chunks.some((n, i) => chunks[i]! % n !== 0)) {
      throw invalid(file, 'codecs', `sharding_indexed chunk_shape (${sharding.chunks.join(', ')}) does not divide the shard shape (${chunks.join(', ')}).`, { codec: 'sharding_indexed' })
    }
  }
  if (d.fill_value === undefined || d.fill_value === null) throw invalid(file, 'fill_value', 'fill_value is missing; Zarr v3 requires one.')
  const metadata: ZarrArrayMetadata = {
    shape,
    chunks,
    dtype,
    order: chain.order,
    fillValue: vlenType ? vlenFill(d.fill_value, vlenType, file) : fillValueV3(d.fill_value, text, file),
    compressor: chain.compressor,
    filters: chain.filters,
    dimensionSeparator: separator,
    zarrFormat: 3,
    chunkKeyEncoding: keys.name,
    ...(sharding ? { sharding } : {}),
    ...(vlenType ? { vlen: vlenType } : {}),
  }
  fillBytes(metadata, file) // checks fill_value against the type now
  return metadata
}

interface Chain {
  endian: 'little' | 'big'
  vlen?: 'vlen-utf8' | 'vlen-bytes'
  order: 'C' | 'F'
  filters: CodecConfig[]
  compressor: CodecConfig | null
  sharding?: ZarrSharding
}

/** Parses a codec chain (an array's `codecs`, or a shard's inner `codecs` when `inner`). */
function parseChain(codecs: unknown, ndim: number, file: string, inner: boolean): Chain {
  if (!Array.isArray(codecs) || codecs.length === 0 || codecs.length > MAX_CODECS) throw invalid(file, 'codecs', `${inner ? 'sharding_indexed codecs' : 'codecs'} is ${short(codecs)}; a list of 1 to ${MAX_CODECS} codecs is expected.`)
  let stage: 'array' | 'bytes' = 'array'
  let endian: 'little' | 'big' = 'little'
  let order: 'C' | 'F' = 'C'
  let transposed = false
  const filters: CodecConfig[] = []
  let compressor: CodecConfig | null = null
  const unsupported = (name: string, why: string): never => {
    throw new UnsupportedError('codec', `${file}: codec "${name}" ${why}.`, { file, codec: name, role: stage === 'array' ? 'filters' : 'compressor' })
  }
  let sharding: ZarrSharding | undefined
  let vlen: 'vlen-utf8' | 'vlen-bytes' | undefined
  for (const entry of codecs as unknown[]) {
    const { name, config } = named(entry, file, 'codecs')
    const misplaced = (): never => {
      throw invalid(file, 'codecs', `codec "${name}" is out of place: array→array codecs come first, then one array→bytes codec (bytes), then bytes→bytes codecs.`, { codec: name })
    }
    if (name === 'bytes') {
      if (stage !== 'array') misplaced()
      const e = config.endian ?? 'little'
      if (e !== 'little' && e !== 'big') throw invalid(file, 'codecs', `bytes codec endian ${short(e)}; "little" and "big" are defined.`, { codec: 'bytes' })
      endian = e
      stage = 'bytes'
    } else if (name === 'vlen-utf8' || name === 'vlen-bytes') {
      if (stage !== 'array') misplaced()
      if (inner) unsupported(name, 'inside a shard is not read')
      vlen = name
      stage = 'bytes'
    } else if (name === 'transpose') {
      if (stage !== 'array') misplaced()
      const perm = config.order
      const n = ndim
      if (!Array.isArray(perm) || perm.length !== n || !perm.every((p) => Number.isSafeInteger(p) && p >= 0 && p < n) || new Set(perm).size !== n) {
        throw invalid(file, 'codecs', `transpose order ${short(perm)} is not a permutation of the ${n} dimensions.`, { codec: 'transpose' })
      }
      if (transposed) unsupported(name, 'appears twice')
      transposed = true
      if (perm.every((p, i) => p === n - 1 - i) && n > 1) order = 'F'
      else if (!perm.every((p, i) => p === i)) unsupported(name, `with order ${short(perm)} is not read (only the identity and the full reversal, which is F order)`)
    } else if (name === 'sharding_indexed') {
      if (stage !== 'array') misplaced()
      if (inner) unsupported(name, 'inside a shard is not read')
      const parsed = parseSharding(config, ndim, file)
      sharding = parsed.sharding
      endian = parsed.endian
      stage = 'bytes'
    } else if (name === 'numcodecs.delta') {
      if (stage !== 'array') misplaced()
      filters.push(checkCodec({ ...config, id: 'delta' }, 'filters', file))
    } else if (name === 'blosc') {
      if (stage !== 'bytes') misplaced()
      const { cname, clevel, shuffle, blocksize, typesize } = config
      if (typeof cname !== 'string' || !BLOSC_CNAMES.includes(cname)) throw invalid(file, 'codecs', `blosc cname ${short(cname)}; one of ${BLOSC_CNAMES.join(', ')} is expected.`, { codec: 'blosc' })
      if (!(Number.isSafeInteger(clevel) && (clevel as number) >= 0 && (clevel as number) <= 9)) throw invalid(file, 'codecs', `blosc clevel ${short(clevel)}; 0 to 9 is expected.`, { codec: 'blosc' })
      if (typeof shuffle !== 'string' || !(shuffle in BLOSC_SHUFFLE)) throw invalid(file, 'codecs', `blosc shuffle ${short(shuffle)}; "noshuffle", "shuffle" or "bitshuffle" is expected.`, { codec: 'blosc' })
      for (const [k, v] of [['blocksize', blocksize], ['typesize', typesize]] as const) {
        if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) throw invalid(file, 'codecs', `blosc ${k} ${short(v)}; a whole number is expected.`, { codec: 'blosc' })
      }
      if (sharding) unsupported(name, 'after sharding_indexed (a compressed shard) is not read')
      compressor = addCompressor(compressor, { id: 'blosc', cname, clevel, shuffle: BLOSC_SHUFFLE[shuffle], blocksize: blocksize ?? 0 }, file)
    } else if (name === 'zstd' || name === 'gzip') {
      if (stage !== 'bytes') misplaced()
      if (sharding) unsupported(name, 'after sharding_indexed (a compressed shard) is not read')
      compressor = addCompressor(compressor, { ...config, id: name }, file)
    } else if (name.startsWith('numcodecs.')) {
      const id = name.slice('numcodecs.'.length)
      if (stage === 'array') unsupported(name, 'is not read (of the numcodecs filters, only numcodecs.delta is)')
      if (sharding) unsupported(name, 'after sharding_indexed (a compressed shard) is not read')
      compressor = addCompressor(compressor, checkCodec({ ...config, id }, 'compressor', file), file)
    } else {
      unsupported(name, 'is not read')
    }
  }
  if (stage !== 'bytes') throw invalid(file, 'codecs', 'codecs has no array→bytes codec ("bytes").')
  if (sharding && (filters.length > 0 || order !== 'C')) unsupported('sharding_indexed', 'after array→array codecs is not read')
  return { endian, order, filters, compressor, ...(sharding ? { sharding } : {}), ...(vlen ? { vlen } : {}) }

}

/**
 * `sharding_indexed` (v3 core codec): `chunk_shape` (the inner chunks), `codecs` (their chain), `index_codecs`
 * (`bytes` little-endian, optionally then `crc32c`), `index_location` "end" (default) or "start".
 */
function parseSharding(config: Doc, ndim: number, file: string): { sharding: ZarrSharding; endian: 'little' | 'big' } {
  const chunks = intList(config.chunk_shape, 'codecs', file, 1)
  if (chunks.length !== ndim) throw invalid(file, 'codecs', `sharding_indexed chunk_shape has ${chunks.length} dimensions, the array ${ndim}.`, { codec: 'sharding_indexed' })
  const chain = parseChain(config.codecs, ndim, file, true)
  const location = config.index_location ?? 'end'
  if (location !== 'end' && location !== 'start') throw invalid(file, 'codecs', `sharding_indexed index_location ${short(location)}; "start" and "end" are defined.`, { codec: 'sharding_indexed' })
  const index = config.index_codecs
  if (!Array.isArray(index) || index.length === 0) throw invalid(file, 'codecs', 'sharding_indexed has no index_codecs list.', { codec: 'sharding_indexed' })
  const names = index.map((c) => named(c, file, 'codecs'))
  const endian = names[0]!.config.endian ?? 'little'
  const checksum = names.length === 2 && names[1]!.name === 'crc32c'
  if (names[0]!.name !== 'bytes' || endian !== 'little' || (names.length === 2 && !checksum) || names.length > 2) {
    throw new UnsupportedError('codec', `${file}: sharding_indexed index_codecs ${short(index)} are not read (bytes little-endian, optionally crc32c, are).`, { file, codec: 'sharding_indexed', role: 'compressor' })
  }
  return { sharding: { chunks, order: chain.order, filters: chain.filters, compressor: chain.compressor, indexLocation: location, indexChecksum: checksum }, endian: chain.endian }
}

/**
 * A v3 `data_type` as a numpy type code without byte order: a core name (`int64` → `i8`), zarr-python 3's
 * fixed-length strings `{"name": "fixed_length_utf32" | "null_terminated_bytes", "configuration": {"length_bytes"}}`
 * (→ `U<n>` / `S<n>`), or `T:string` / `T:bytes` for the variable-length `string`, `variable_length_bytes` and
 * `bytes` (zarr-extensions) types.
 */
function typeDescr(value: unknown, file: string): string {
  if (typeof value === 'string') {
    const code = DATA_TYPES[value]
    if (code) return code
    if (value === 'string' || value === 'variable_length_utf8') return 'T:string'
    if (value === 'variable_length_bytes' || value === 'bytes') return 'T:bytes'
    throw new UnsupportedError('dtype', `${file}: data_type "${value}" is not read (bool, int8…int64, uint8…uint64, float16/32/64, string, variable_length_bytes, fixed_length_utf32 and null_terminated_bytes are).`, { file, dtype: value })
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(file, 'data_type', `data_type is ${short(value)}; a data type name such as "int64" is expected.`)
  const { name, config } = named(value, file, 'data_type')
  if (name !== 'fixed_length_utf32' && name !== 'null_terminated_bytes') {
    throw new UnsupportedError('dtype', `${file}: data_type ${short(value)} is an extension data type, which this reader does not decode.`, { file, dtype: short(value) })
  }
  const length = config.length_bytes
  const unit = name === 'fixed_length_utf32' ? 4 : 1
  if (!(Number.isSafeInteger(length) && (length as number) >= unit && (length as number) % unit === 0)) {
    throw invalid(file, 'data_type', `${name} length_bytes ${short(length)}; a positive whole number${unit === 4 ? ' of 4-byte code points' : ''} is expected.`, { value: short(length) })
  }
  return unit === 4 ? `U${(length as number) / 4}` : `S${length as number}`
}

/** The dtype of a variable-length type: kind `T`, each element held as a 4-byte index into the read's strings. */
function vlenDtype(value: string | Doc): ZarrDtype {
  return { descr: typeof value === 'string' ? value : short(value), kind: 'T', itemsize: 4, byteOrder: '|' }
}

/**
 * A variable-length type's fill_value as the string it reads as: for `string` a JSON string (zarr-python 3 also
 * accepts a number, read as its text); for `variable_length_bytes` base64 (zarr-python 3), for `bytes`
 * (zarr-extensions) a list of byte values, either decoded as UTF-8.
 */
function vlenFill(value: unknown, codec: 'vlen-utf8' | 'vlen-bytes', file: string): string {
  const bad = (): never => {
    throw invalid(file, 'fill_value', `fill_value ${short(value)} does not fit a variable-length ${codec === 'vlen-utf8' ? 'string' : 'bytes'} array.`)
  }
  if (codec === 'vlen-utf8') {
    if (typeof value === 'string') return value
    if (typeof value === 'number' && Number.isFinite(value)) return String(value)
    return bad()
  }
  let raw: Uint8Array
  if (Array.isArray(value)) {
    if (value.length > 1 << 20 || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) bad()
    raw = Uint8Array.from(value as number[])
  } else if (typeof value === 'string') {
    try {
      raw = Uint8Array.from(atob(value), (c) => c.charCodeAt(0))
    } catch {
      return bad()
    }
  } else return bad()
  return new TextDecoder('utf-8').decode(raw)
}

function addCompressor(current: CodecConfig | null, next: CodecConfig, file: string): CodecConfig {
  if (current) throw new UnsupportedError('codec', `${file}: codecs chain ${current.id} and ${next.id}; one compressor per array is read.`, { file, codec: next.id, role: 'compressor' })
  return next
}

/** A v3 fill_value as the v2 code reads it: floats' hex bit patterns ("0x7fc00000") become numbers. */
function fillValueV3(value: unknown, code: string, file: string): unknown {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value) || code[0] !== 'f') return value
  const hex = value.slice(2)
  const bytes = Number(code.slice(1))
  if (hex.length !== bytes * 2) throw invalid(file, 'fill_value', `fill_value ${value} is not ${bytes} bytes.`)
  const view = new DataView(new ArrayBuffer(8))
  if (bytes === 8) {
    view.setUint32(0, parseInt(hex.slice(0, 8), 16))
    view.setUint32(4, parseInt(hex.slice(8), 16))
    return view.getFloat64(0)
  }
  if (bytes === 4) {
    view.setUint32(0, parseInt(hex, 16))
    return view.getFloat32(0)
  }
  return parseInt(hex, 16) === 0 ? 0 : value
}

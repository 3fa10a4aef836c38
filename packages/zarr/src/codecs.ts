import { InvalidDataError, UnsupportedError, isSpikesError } from '@spikes/core'
import type { ZarrDtype } from './dtype.js'
import { corrupt } from './chunk-error.js'
import { inflate } from './inflate.js'
import { zstdDecodedBound } from './zstd-bound.js'

/** A codec entry of `.zarray` (`compressor`, or one of `filters`): numcodecs' `get_config()`, an `id` plus settings. */
export interface CodecConfig {
  readonly id: string
  readonly [setting: string]: unknown
}

/** The compressors this reader decodes (numcodecs ids). */
export const SUPPORTED_COMPRESSORS = ['blosc', 'zstd', 'lz4', 'zlib', 'gzip'] as const
/** The filters this reader decodes (numcodecs ids). */
export const SUPPORTED_FILTERS = ['delta'] as const

/** Where a chunk came from, for error details. */
export interface ChunkContext {
  /** The chunk's path in the folder. */
  readonly file: string
  /** The array's path in the hierarchy. */
  readonly array: string
}

interface NumcodecsCodec {
  decode(data: Uint8Array, out?: Uint8Array): Uint8Array | Promise<Uint8Array>
}
interface NumcodecsConstructor {
  fromConfig(config: { id: string }): NumcodecsCodec
  codecId: string
}

// numcodecs.js (MIT, Trevor Manz) carries c-blosc (with zstd, lz4, zlib and bit-shuffle), zstd and lz4 as
// WebAssembly inlined in its modules, so it runs unchanged in Node and in browsers, without a fetch of a
// .wasm file. Each module is large (Blosc ~600 kB, Zstd ~750 kB), so they are imported on first use only.
// Every header field that sizes an allocation is checked here before a chunk is handed to it: numcodecs
// trusts them (a bad LZ4 size prefix makes it allocate 4 GiB; Blosc decodes a garbage header silently).
const loaded = new Map<string, Promise<NumcodecsCodec>>()
function numcodecs(id: 'blosc' | 'zstd' | 'lz4'): Promise<NumcodecsCodec> {
  let codec = loaded.get(id)
  if (!codec) {
    const load: Promise<{ default: NumcodecsConstructor }> = id === 'blosc' ? import('numcodecs/blosc') : id === 'zstd' ? import('numcodecs/zstd') : import('numcodecs/lz4')
    codec = load.then((m) => m.default.fromConfig({ id }))
    loaded.set(id, codec)
    codec.catch(() => loaded.delete(id))
  }
  return codec
}

/** Checks a `.zarray` codec entry: an object with a string `id` this reader knows. */
export function checkCodec(value: unknown, role: 'compressor' | 'filters', file: string): CodecConfig {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { id?: unknown }).id !== 'string') {
    throw new InvalidDataError(`${file}: ${role} entry ${JSON.stringify(value)} is not a numcodecs config (an object with an "id").`, { file, field: role })
  }
  const config = value as CodecConfig
  const known: readonly string[] = role === 'compressor' ? SUPPORTED_COMPRESSORS : SUPPORTED_FILTERS
  if (!known.includes(config.id)) {
    throw new UnsupportedError('codec', `${file}: ${role === 'compressor' ? 'compressor' : 'filter'} '${config.id}' is not supported (supported: ${known.join(', ')}).`, { file, codec: config.id, role })
  }
  return config
}

/**
 * Checks that a delta filter can be undone on `dtype`: numeric, and its `astype` (the stored type) equal to
 * `dtype` or absent, as SpikeInterface writes it.
 */
export function checkFilter(config: CodecConfig, dtype: ZarrDtype, file: string): void {
  if (config.id !== 'delta') return
  if (dtype.kind !== 'i' && dtype.kind !== 'u' && dtype.kind !== 'f') {
    throw new UnsupportedError('codec', `${file}: a delta filter on dtype ${dtype.descr} is not supported (integers and floats only).`, { file, codec: 'delta', dtype: dtype.descr })
  }
  for (const key of ['dtype', 'astype'] as const) {
    const given = config[key]
    if (given === undefined || given === null) continue
    if (typeof given !== 'string' || sameType(given, dtype) === false) {
      throw new UnsupportedError('codec', `${file}: delta filter with ${key} ${JSON.stringify(given)} on an array of ${dtype.descr}; only a delta in the array's own type is read.`, { file, codec: 'delta', [key]: String(given), dtype: dtype.descr })
    }
  }
}

function sameType(text: string, dtype: ZarrDtype): boolean {
  const m = /^([<>|=]?)([iuf])(\d+)$/.exec(text)
  if (!m) return false
  const order = m[1] === '>' ? '>' : '<'
  const dorder = dtype.byteOrder === '>' ? '>' : '<'
  return m[2] === dtype.kind && Number(m[3]) === dtype.itemsize && (dtype.itemsize === 1 || order === dorder)
}


/**
 * Decompresses one chunk into exactly `expected` bytes. The codec's own header (Blosc's nbytes and cbytes,
 * Zstd's frame content size, LZ4's size prefix) is checked against `expected` first; a stream that ends
 * short, runs long or fails inside the codec is a CorruptFileError with `file`, `array`, `codec`, and
 * `expected` / `actual` where known. No allocation is sized by the chunk's own header.
 */
export async function decompress(data: Uint8Array, compressor: CodecConfig | null, expected: number, ctx: ChunkContext): Promise<Uint8Array> {
  if (!compressor) return data
  const id = compressor.id
  if (id === 'zlib' || id === 'gzip') return inflate(data, id, expected, ctx)
  if (id === 'blosc') checkBloscHeader(data, expected, ctx)
  else if (id === 'zstd') checkZstdHeader(data, expected, ctx)
  else if (id === 'lz4') {
    if (data.length < 4) throw corrupt(ctx, id, `${data.length} bytes, shorter than the 4-byte size prefix`, { expected, actual: data.length })
    const size = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true)
    if (size !== expected) throw corrupt(ctx, id, `its size prefix says ${size} bytes, the chunk's shape ${expected}`, { expected, actual: size })
  }
  const out = new Uint8Array(expected)
  let result: Uint8Array
  try {
    result = await (await numcodecs(id as 'blosc' | 'zstd' | 'lz4')).decode(data, out)
  } catch (error) {
    if (isSpikesError(error)) throw error
    throw corrupt(ctx, id, String(error instanceof Error ? error.message : error).slice(0, 200), { expected }, error)
  }
  if (result.length !== expected) throw corrupt(ctx, id, `decoded to ${result.length} bytes, the chunk's shape needs ${expected}`, { expected, actual: result.length })
  return result
}

const BLOSC_HEADER = 16

function checkBloscHeader(data: Uint8Array, expected: number, ctx: ChunkContext): void {
  if (data.length < BLOSC_HEADER) throw corrupt(ctx, 'blosc', `${data.length} bytes, shorter than Blosc's 16-byte header`, { expected, actual: data.length })
  const view = new DataView(data.buffer, data.byteOffset, BLOSC_HEADER)
  const version = view.getUint8(0)
  const nbytes = view.getUint32(4, true)
  const blocksize = view.getUint32(8, true)
  const cbytes = view.getUint32(12, true)
  if (version < 1 || version > 4) throw corrupt(ctx, 'blosc', `header version ${version} is not a Blosc format version`, { version })
  if (cbytes !== data.length) throw corrupt(ctx, 'blosc', `its header gives ${cbytes} compressed bytes, the chunk file holds ${data.length}`, { cbytes, actual: data.length })
  if (nbytes !== expected) throw corrupt(ctx, 'blosc', `its header gives ${nbytes} decompressed bytes, the chunk's shape needs ${expected}`, { expected, actual: nbytes })
  if (nbytes > 0 && (blocksize === 0 || blocksize > nbytes)) throw corrupt(ctx, 'blosc', `its header gives a block size of ${blocksize} for ${nbytes} bytes`, { blocksize, nbytes })
}

const ZSTD_MAGIC = 0xfd2fb528

function checkZstdHeader(data: Uint8Array, expected: number, ctx: ChunkContext): void {
  const size = zstdContentSize(data, expected, ctx)
  if (size !== undefined && size !== expected) throw corrupt(ctx, 'zstd', `its frame header gives ${size} bytes, the chunk's shape needs ${expected}`, { expected, actual: size })
  if (size === undefined) {
    // No content size: the decoder's buffer grows with the output, so the blocks must not promise much more.
    const bound = zstdDecodedBound(data)
    if (bound === undefined) throw corrupt(ctx, 'zstd', 'its frames or block headers are malformed', { expected })
    if (bound > Math.max(4 * expected, expected + ZSTD_SLACK)) throw corrupt(ctx, 'zstd', `its frame records no content size and its blocks can decode to ${bound} bytes, far more than the ${expected} of the chunk's shape`, { expected, actual: bound })
  }
}

/** Output beyond the chunk's size a Zstandard frame without a content size may promise (block rounding). */
const ZSTD_SLACK = 16 * 1024 * 1024

/** The frame content size of a Zstandard frame header, or undefined when the frame does not record it. */
function zstdContentSize(data: Uint8Array, expected: number | undefined, ctx: ChunkContext): number | undefined {
  if (data.length < 5) throw corrupt(ctx, 'zstd', `${data.length} bytes, shorter than a Zstandard frame header`, { expected, actual: data.length })
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (view.getUint32(0, true) !== ZSTD_MAGIC) throw corrupt(ctx, 'zstd', 'no Zstandard frame magic number', { expected })
  const fhd = view.getUint8(4)
  const fcsFlag = fhd >> 6
  const single = (fhd >> 5) & 1
  const dictBytes = [0, 1, 2, 4][fhd & 3]!
  const fcsBytes = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag]!
  if (fcsBytes === 0) return undefined // no content size recorded: the decoder's output is checked after decoding
  const at = 5 + (single ? 0 : 1) + dictBytes
  if (at + fcsBytes > data.length) throw corrupt(ctx, 'zstd', 'the frame header is truncated', { expected })
  if (fcsBytes === 1) return view.getUint8(at)
  if (fcsBytes === 2) return view.getUint16(at, true) + 256
  if (fcsBytes === 4) return view.getUint32(at, true)
  return view.getUint32(at + 4, true) * 2 ** 32 + view.getUint32(at, true)
}

/**
 * Decompresses one chunk whose decoded size is not fixed by its shape (a Zarr v3 vlen-utf8 / vlen-bytes chunk): the
 * size comes from the codec's own header (Blosc nbytes, the Zstd frame content size, the LZ4 prefix) and must be at
 * most `limit` before anything is allocated; zlib / gzip inflate until `limit` and no further. A Zstd frame without
 * a content size is a CorruptFileError here (nothing bounds it). Past `limit`, `tooLarge(size)` is thrown when given
 * (else a CorruptFileError); with no compressor, `data` itself must be at most `limit`.
 */
export async function decompressUpTo(data: Uint8Array, compressor: CodecConfig | null, limit: number, ctx: ChunkContext, tooLarge?: (size: number) => Error): Promise<Uint8Array> {
  if (!compressor) {
    if (data.length > limit) throw tooLarge?.(data.length) ?? corrupt(ctx, 'none', `${data.length} bytes, more than the ${limit} allowed for one chunk`, { expected: limit, actual: data.length })
    return data
  }
  const id = compressor.id
  if (id === 'zlib' || id === 'gzip') return inflate(data, id, limit, ctx, false, tooLarge)
  let size: number | undefined
  if (id === 'blosc') {
    if (data.length < BLOSC_HEADER) throw corrupt(ctx, 'blosc', `${data.length} bytes, shorter than Blosc's 16-byte header`, { actual: data.length })
    size = new DataView(data.buffer, data.byteOffset, BLOSC_HEADER).getUint32(4, true)
  } else if (id === 'zstd') {
    size = zstdContentSize(data, undefined, ctx)
    if (size === undefined) throw corrupt(ctx, 'zstd', 'its frame header records no content size, so its decoded size cannot be bounded', {})
  } else if (id === 'lz4') {
    if (data.length < 4) throw corrupt(ctx, id, `${data.length} bytes, shorter than the 4-byte size prefix`, { actual: data.length })
    size = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true)
  } else {
    throw new UnsupportedError('codec', `${ctx.file}: compressor '${id}' is not supported.`, { file: ctx.file, codec: id, role: 'compressor' })
  }
  if (size > limit) throw tooLarge?.(size) ?? corrupt(ctx, id, `its header gives ${size} decoded bytes, more than the ${limit} allowed for one chunk`, { expected: limit, actual: size })
  return decompress(data, compressor, size, ctx)
}

/**
 * Undoes a delta filter in place on `bytes` (little-endian, aligned to the item size): the running sum in the
 * array's type, wrapping as numpy does for integers.
 */
export function undoDelta(bytes: Uint8Array, dtype: ZarrDtype): void {
  const n = bytes.length / dtype.itemsize
  const { buffer, byteOffset } = bytes
  if (dtype.kind === 'f') {
    const a = dtype.itemsize === 8 ? new Float64Array(buffer, byteOffset, n) : dtype.itemsize === 4 ? new Float32Array(buffer, byteOffset, n) : undefined
    if (!a) throw new UnsupportedError('codec', `A delta filter on ${dtype.descr} is not supported.`, { codec: 'delta', dtype: dtype.descr })
    for (let i = 1; i < n; i++) a[i] = a[i]! + a[i - 1]!
    return
  }
  if (dtype.itemsize === 8) {
    const w = new Uint32Array(buffer, byteOffset, n * 2)
    let lo = 0
    let hi = 0
    for (let i = 0; i < n; i++) {
      const sum = lo + w[2 * i]!
      lo = sum >>> 0
      hi = (hi + w[2 * i + 1]! + (sum > 0xffffffff ? 1 : 0)) >>> 0
      w[2 * i] = lo
      w[2 * i + 1] = hi
    }
    return
  }
  const a = dtype.itemsize === 4 ? new Uint32Array(buffer, byteOffset, n) : dtype.itemsize === 2 ? new Uint16Array(buffer, byteOffset, n) : new Uint8Array(buffer, byteOffset, n)
  for (let i = 1; i < n; i++) a[i] = a[i]! + a[i - 1]!
}

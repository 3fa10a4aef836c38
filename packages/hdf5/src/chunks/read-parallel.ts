import type { FileContext } from '../context.js'
import type { Hdf5Dataset, NumericOut, ReadNumericOptions } from '../dataset.js'
import { nativeArrayType } from '../dtype.js'
import { DEFLATE_MAX_RATIO } from '../layout/chunk-limits.js'
import { readChunkPlan } from '../layout/dataset-chunks.js'
import { fastReadable, readChunkedParallel } from './fast-read.js'

/**
 * Hdf5Dataset.readNumericAsync's parallel path: a whole 1-D dataset in deflate/shuffle chunks of a handled
 * type, with the file's bytes at hand. Returns null (nothing read) for anything else.
 */
export async function readNumericParallel(ctx: FileContext, ds: Hdf5Dataset, options: ReadNumericOptions): Promise<NumericOut | null> {
  ctx.check()
  const n = ds.size
  if (!ctx.bytes || ds.rank !== 1 || !ds.chunks || n === 0 || !wholeSelection(options, n)) return null
  // A header claiming more output than the whole file could inflate to is left to readNumeric's check.
  if (!fastReadable(ds.dtype, ds.filters.map((f) => f.id)) || n * ds.dtype.bytes > ctx.bytes.size * DEFLATE_MAX_RATIO) return null
  const outOffset = options.outOffset ?? 0
  if (options.out && (options.out instanceof BigInt64Array || options.out instanceof BigUint64Array || !Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + n > options.out.length)) return null
  const index = readChunkPlan(ctx, ds.path, [n])
  const filters = index?.plan.filters.map((f) => f.id)
  if (!index || !filters || !fastReadable(ds.dtype, filters)) return null
  const out = options.out ?? (options.as === 'native' ? new (nativeArrayType(ds.dtype))(n) : new Float64Array(n))
  return readChunkedParallel({
    bytes: ctx.bytes,
    chunks: index.plan.chunks,
    base: index.base,
    file: ctx.name,
    path: ds.path,
    length: n,
    chunk: ds.chunks[0],
    dtype: ds.dtype,
    filters,
    out,
    outOffset,
    signal: options.signal,
    onProgress: options.onProgress,
    onPlaced: options.onPlaced,
  })
}

function wholeSelection(options: ReadNumericOptions, n: number): boolean {
  const first = (v: number | number[] | undefined) => (Array.isArray(v) ? (v.length === 1 ? v[0] : NaN) : v)
  const start = first(options.start) ?? 0
  const count = first(options.count) ?? n - start
  return start === 0 && count === n
}

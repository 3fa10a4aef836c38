import { isSpikesError, UnsupportedError, type FolderSource, type LoadContext } from '@spikes/core'
import { readNpy, type NpyArray, type NpyTypedArray } from '@spikes/numpy'

/** Reads an .npy from the folder; errors propagate (callers decide whether they are warnings). */
export async function readFolderNpy(folder: FolderSource, file: string, order: 'C' | 'file' = 'C'): Promise<NpyArray> {
  const source = await folder.open(file)
  try {
    // The loader never needs pickled object arrays: refuse them rather than unpickle.
    return await readNpy(source, { order, objectReader: false })
  } finally {
    await source.close()
  }
}

/** Numeric data as plain numbers (bool -> 0/1; strings and records are refused). */
export function numericData(array: NpyArray, file: string): ArrayLike<number> {
  const d = array.data
  if (ArrayBuffer.isView(d) && !(d instanceof BigInt64Array) && !(d instanceof BigUint64Array) && array.dtype.kind !== 'c') return d as Exclude<NpyTypedArray, BigInt64Array | BigUint64Array>
  throw new UnsupportedError('kilosort-dtype', `${file} holds ${array.dtype.descr}, not real numbers.`, { file, dtype: array.dtype.descr })
}

/** An optional array: undefined with a reason when absent is not an error; failures are reported. */
export async function tryReadNpy(folder: FolderSource, file: string, order: 'C' | 'file' = 'C'): Promise<{ array?: NpyArray; error?: string }> {
  if (!(await folder.exists(file))) return {}
  try {
    return { array: await readFolderNpy(folder, file, order) }
  } catch (error) {
    if (isSpikesError(error)) return { error: (error as Error).message }
    throw error
  }
}

/**
 * An optional array turned into what the loader needs by `parse`. Absent gives undefined (and calls `onAbsent`);
 * a file that cannot be read or parsed gives undefined and its reason to `onFailure` (SpikeLab warns and goes on).
 */
export async function readOptionalNpy<T>(folder: FolderSource, file: string, parse: (array: NpyArray, file: string) => T, onFailure: (reason: string) => void, onAbsent?: () => void): Promise<T | undefined> {
  const { array, error } = await tryReadNpy(folder, file)
  if (!array && !error) onAbsent?.()
  let reason = error
  try {
    if (array) return parse(array, file)
  } catch (failure) {
    if (!isSpikesError(failure)) throw failure
    reason = failure.message
  }
  if (reason) onFailure(reason)
  return undefined
}

/**
 * What to do when an option names a file the folder lacks: warn rather than ignore it; undefined for the option's
 * default, which may well be absent.
 */
export function namedFileAbsent(folder: FolderSource, named: { option: string; file: string; fallback: string }, code: string, consequence: string, context: LoadContext): (() => void) | undefined {
  const { option, file, fallback } = named
  if (file === fallback) return undefined
  return () => context.warn(code, `${option} names ${file}, which is not in ${folder.path ?? folder.name}: ${consequence}. Check the name, or leave ${option} out to use ${fallback}.`, { file, option })
}

/**
 * Phy's channel_positions rows align with channel_map rows (DEVIATIONS D5): the location of channel
 * `ch` is the row r of the first channel_map entry equal to ch (r = ch without a channel map).
 */
export class ChannelLocator {
  private readonly rowOf = new Map<number, number>()

  constructor(
    private readonly channelMap: ArrayLike<number> | undefined,
    private readonly positions: PositionsTable | undefined,
  ) {
    if (channelMap) for (let r = channelMap.length - 1; r >= 0; r--) this.rowOf.set(channelMap[r], r)
  }

  location(ch: number): number[] | undefined {
    if (!this.positions) return undefined
    const r = this.channelMap ? this.rowOf.get(ch) : ch
    if (r === undefined || !Number.isInteger(r) || r < 0 || r >= this.positions.rows) return undefined
    const { data, cols } = this.positions
    const out: number[] = new Array(cols)
    for (let c = 0; c < cols; c++) out[c] = data[r * cols + c]
    return out
  }
}

/** Rows x columns view of channel_positions. */
export interface PositionsTable {
  data: ArrayLike<number>
  rows: number
  cols: number
}

/** Rows x columns view of channel_positions ((n, 2), (n, 3); a 1-D array is one column). */
export function positionsTable(array: NpyArray, file: string): PositionsTable {
  const data = numericData(array, file)
  const rows = array.shape.length === 0 ? 1 : array.shape[0]
  const cols = rows === 0 ? 0 : data.length / rows
  return { data, rows, cols }
}

/**
 * Peak channel position of each template: argmax over channels of max over time of |amplitude|
 * (numpy: np.abs(templates).max(axis=1).argmax(axis=1)). Works on C or Fortran layout in place.
 */
export function templatePeaks(templates: NpyArray, file: string): Int32Array {
  const [nT, nt, nc] = templates.shape
  const data = numericData(templates, file)
  const fortran = templates.order === 'F'
  const peaks = new Int32Array(nT)
  const amp = new Float64Array(nc)
  for (let t = 0; t < nT; t++) {
    amp.fill(-Infinity)
    for (let s = 0; s < nt; s++) {
      for (let c = 0; c < nc; c++) {
        const v = Math.abs(data[fortran ? t + nT * (s + nt * c) : (t * nt + s) * nc + c])
        if (v > amp[c] || Number.isNaN(v)) amp[c] = Number.isNaN(amp[c]) ? amp[c] : v
      }
    }
    let best = 0
    for (let c = 1; c < nc; c++) if (amp[c] > amp[best] || (Number.isNaN(amp[c]) && !Number.isNaN(amp[best]))) best = c
    peaks[t] = best
  }
  return peaks
}

/**
 * Sparse templates (Phy's template_ind.npy, KiloSort's templates_ind.npy): row t maps the template's
 * local channel to a channel index. Used only when its shape matches (n_templates, n_local_channels).
 */
export async function templateChannelIndex(folder: FolderSource, nTemplates: number, nLocal: number): Promise<ArrayLike<number> | undefined> {
  for (const file of ['template_ind.npy', 'templates_ind.npy']) {
    const { array } = await tryReadNpy(folder, file)
    if (!array || array.shape.length !== 2 || array.shape[0] !== nTemplates || array.shape[1] !== nLocal) continue
    try {
      return numericData(array, file)
    } catch {
      continue
    }
  }
  return undefined
}

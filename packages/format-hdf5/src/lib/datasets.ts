import { InvalidDataError } from '@spikes/core'
import { describeDtype, type Hdf5Dataset, type Hdf5File } from '@spikes/hdf5'

/**
 * A numeric dataset used as a vector: rank 1, or rank 2 with one dimension of 1 (MATLAB-style column or
 * row vectors). Returns its length; wrong rank or type is an InvalidDataError naming the option.
 */
export function numericVector(file: Hdf5File, path: string, option: string): { ds: Hdf5Dataset; length: number } {
  const ds = file.dataset(path)
  requireNumeric(ds, option, file.name)
  const shape = ds.shape ?? [0]
  const rank = shape.length
  if (rank === 1) return { ds, length: shape[0] }
  if (rank === 2 && (shape[0] === 1 || shape[1] === 1)) return { ds, length: shape[0] * shape[1] }
  throw new InvalidDataError(`${option} ${ds.path} in ${file.name} has shape [${shape.join(', ')}]; expected a 1-D array.`, { file: file.name, dataset: ds.path, option, shape, expected: '1-D' })
}

export function requireNumeric(ds: Hdf5Dataset, option: string, fileName: string): void {
  if (!ds.isNumeric()) {
    throw new InvalidDataError(`${option} ${ds.path} in ${fileName} holds ${describeDtype(ds.dtype)}; expected numbers.`, { file: fileName, dataset: ds.path, option, dtype: ds.dtype.numpy, expected: 'numeric' })
  }
}

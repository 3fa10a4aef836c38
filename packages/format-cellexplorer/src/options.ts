import { integer, maxValue, minValue, number, object, optional, pipe, string, check, description, type InferInput, type InferOutput } from 'valibot'

const MAX_BYTES_LIMIT = 8 * 1024 * 1024 * 1024

/** Options of the cellexplorer loader, as a schema. */
export const cellexplorerOptions = object({
  variable: optional(
    pipe(
      string('a MATLAB variable name'),
      check((name) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name), 'a MATLAB variable name'),
      description("The variable holding the struct (default: 'cell_metrics', else 'spikes', whichever the file holds)."),
    ),
  ),
  maxBytes: optional(
    pipe(
      number('a number of bytes'),
      integer('a whole number of bytes'),
      minValue(1024, 'at least 1024 bytes'),
      maxValue(MAX_BYTES_LIMIT, 'at most 8 GiB'),
      description('Budget for the bytes read and inflated from the MAT-file (Level 5) or read from it (v7.3), default 1 GiB.'),
    ),
    1024 * 1024 * 1024,
  ),
})

/** The options as callers write them. */
export type CellexplorerOptions = InferInput<typeof cellexplorerOptions>

/** {@link CellexplorerOptions} after validation, defaults filled in. */
export type ResolvedCellexplorerOptions = InferOutput<typeof cellexplorerOptions>

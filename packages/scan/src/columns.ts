/** One row of recordings.parquet: one recording (an input that loaded, or failed). */
export interface RecordingRow {
  source: string
  format: string | null
  status: 'ok' | 'error'
  error_code: string | null
  error_message: string | null
  n_units: number | null
  n_spikes: number | null
  duration_s: number | null
  start_time_s: number | null
  mean_rate_hz: number | null
  bytes_read: number | null
  requests: number | null
  seconds: number
}

/** One row of units.parquet: one unit of a recording that loaded. */
export interface UnitRow {
  source: string
  unit_index: number
  unit_id: string | null
  n_spikes: number
  rate_hz: number | null
  first_spike_s: number | null
  last_spike_s: number | null
  isi_violation_fraction: number | null
  isi_cv: number | null
  electrode: number | null
  x_um: number | null
  y_um: number | null
  z_um: number | null
  region: string | null
  quality: string | null
}

/** Parquet type of a column: what DuckDB, pandas and Arrow read it as. */
export type ColumnType = 'STRING' | 'INT32' | 'INT64' | 'DOUBLE'

/** One column of a table: its name, its Parquet type and whether it may be null. */
export interface ColumnSpec<R> {
  readonly name: keyof R & string
  readonly type: ColumnType
  /** False for the columns that are never null. */
  readonly nullable: boolean
}

/** The columns of recordings.parquet, in file order (names are fixed: users' queries depend on them). */
export const RECORDING_COLUMNS: readonly ColumnSpec<RecordingRow>[] = [
  { name: 'source', type: 'STRING', nullable: false },
  { name: 'format', type: 'STRING', nullable: true },
  { name: 'status', type: 'STRING', nullable: false },
  { name: 'error_code', type: 'STRING', nullable: true },
  { name: 'error_message', type: 'STRING', nullable: true },
  { name: 'n_units', type: 'INT64', nullable: true },
  { name: 'n_spikes', type: 'INT64', nullable: true },
  { name: 'duration_s', type: 'DOUBLE', nullable: true },
  { name: 'start_time_s', type: 'DOUBLE', nullable: true },
  { name: 'mean_rate_hz', type: 'DOUBLE', nullable: true },
  { name: 'bytes_read', type: 'INT64', nullable: true },
  { name: 'requests', type: 'INT64', nullable: true },
  { name: 'seconds', type: 'DOUBLE', nullable: false },
]

/** The columns of units.parquet, in file order. */
export const UNIT_COLUMNS: readonly ColumnSpec<UnitRow>[] = [
  { name: 'source', type: 'STRING', nullable: false },
  { name: 'unit_index', type: 'INT32', nullable: false },
  { name: 'unit_id', type: 'STRING', nullable: true },
  { name: 'n_spikes', type: 'INT64', nullable: false },
  { name: 'rate_hz', type: 'DOUBLE', nullable: true },
  { name: 'first_spike_s', type: 'DOUBLE', nullable: true },
  { name: 'last_spike_s', type: 'DOUBLE', nullable: true },
  { name: 'isi_violation_fraction', type: 'DOUBLE', nullable: true },
  { name: 'isi_cv', type: 'DOUBLE', nullable: true },
  { name: 'electrode', type: 'INT32', nullable: true },
  { name: 'x_um', type: 'DOUBLE', nullable: true },
  { name: 'y_um', type: 'DOUBLE', nullable: true },
  { name: 'z_um', type: 'DOUBLE', nullable: true },
  { name: 'region', type: 'STRING', nullable: true },
  { name: 'quality', type: 'STRING', nullable: true },
]

/** ISIs shorter than this count as refractory-period violations (isi_violation_fraction). */
export const ISI_VIOLATION_MS = 1.5

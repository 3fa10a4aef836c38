// The parts of SpikeInterface's extractor API the adapters use, as JavaScript objects. Every method may
// return its value or a Promise of it (a bridge to Python or a worker is usually asynchronous).

/** A SpikeInterface unit id. Bigints that fit a safe integer are recorded as numbers. */
export type ExtractorUnitId = number | string | bigint

/** A value, or a promise of it (extractor methods may be sync or async). */
export type MaybePromise<T> = T | Promise<T>

/** A numeric 1-D array: a typed array (BigInt64Array too) or a plain array of numbers / bigints. */
export type NumericLike = ArrayLike<number> | ArrayLike<bigint> | BigInt64Array | BigUint64Array

/** 2-D traces: { data, shape } in C order, or one array per row. */
export type TracesLike = { data: NumericLike; shape: readonly number[] } | ArrayLike<ArrayLike<number>>

/** Shaped like spikeinterface.BaseSorting. */
export interface SortingExtractorLike {
  /** All unit ids; properties are aligned with this order. */
  getUnitIds(): MaybePromise<ArrayLike<ExtractorUnitId>>
  /** Sampling rate in Hz, used to turn sample indices into ms (unless the samplingFrequency option overrides it). */
  getSamplingFrequency(): MaybePromise<number>
  /** Spike times of one unit in samples (SpikeInterface: get_unit_spike_train(unit_id, segment_index)). */
  getUnitSpikeTrain(unitId: ExtractorUnitId, options: { segmentIndex: number }): MaybePromise<NumericLike>
  /** Values for every unit, in getUnitIds() order; undefined/null (or a throw) when absent. */
  getProperty?(key: string): MaybePromise<unknown>
  /** Names of the properties the sorting has; when present, only listed properties are asked for. */
  getPropertyKeys?(): MaybePromise<ArrayLike<string>>
  /** Number of segments; when present, segmentIndex is checked against it and a multi-segment sorting gets a SPIKES_WARN_SEGMENTS warning. */
  getNumSegments?(): MaybePromise<number>
}

/** Shaped like spikeinterface.BaseRecording. */
export interface RecordingExtractorLike {
  /** SpikeInterface returns (samples x channels); (channels x samples) is accepted too. */
  getTraces(options: { segmentIndex: number }): MaybePromise<TracesLike>
  /** Sampling rate in Hz. */
  getSamplingFrequency?(): MaybePromise<number>
  /** Used when there is no getSamplingFrequency(). */
  samplingFrequency?: number
  /** Number of channels; tells which axis of non-square traces holds the channels. */
  getNumChannels?(): MaybePromise<number>
  /** Number of segments; when present, segmentIndex is checked against it (and several segments with none chosen warn). */
  getNumSegments?(): MaybePromise<number>
}

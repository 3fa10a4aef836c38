import { InvalidDataError, UnsupportedError, type Hint, type SpikeData } from '@spikes/core'
import { PickledObject, pyTypeName, unpickle, UnsafePickleError } from '@spikes/numpy'
import { spikeDataFromRecord } from './spikedata-from-record.js'

/** The six types SpikeLab's export_to_pickle writes (load_from_pickle accepts all of them). */
export const SPIKELAB_TYPES = {
  SpikeData: 'spikelab.spikedata.spikedata.SpikeData',
  RateData: 'spikelab.spikedata.ratedata.RateData',
  PairwiseCompMatrix: 'spikelab.spikedata.pairwise.PairwiseCompMatrix',
  PairwiseCompMatrixStack: 'spikelab.spikedata.pairwise.PairwiseCompMatrixStack',
  RateSliceStack: 'spikelab.spikedata.rateslicestack.RateSliceStack',
  SpikeSliceStack: 'spikelab.spikedata.spikeslicestack.SpikeSliceStack',
} as const

/** Short name of a SpikeLab type, as in {@link SPIKELAB_TYPES} and {@link SpikeLabPickle}'s `type`. */
export type SpikeLabTypeName = keyof typeof SPIKELAB_TYPES

/** What a SpikeLab pickle holds: a SpikeData (converted), or another SpikeLab type as an inert record. */
export type SpikeLabPickle =
  | { readonly type: 'SpikeData'; readonly className: string; readonly spikeData: SpikeData; readonly record: PickledObject }
  | { readonly type: Exclude<SpikeLabTypeName, 'SpikeData'>; readonly className: string; readonly record: PickledObject }

/** Options of {@link readSpikeLabPickle} and {@link spikeDataFromPickleBytes}. */
export interface ReadPickleOptions {
  /** Name of the input, for messages (default 'pickle'). */
  file?: string
  /** More classes ('module.Class') to read as SpikeData (subclasses of SpikeLab's). */
  spikeDataClasses?: readonly string[]
}

const BY_CLASS = new Map<string, SpikeLabTypeName>(Object.entries(SPIKELAB_TYPES).map(([type, cls]) => [cls, type as SpikeLabTypeName]))

interface Classified {
  readonly value: ReturnType<typeof unpickle>
  readonly type: SpikeLabTypeName | undefined
  readonly file: string
}

function classify(bytes: Uint8Array, options: ReadPickleOptions): Classified {
  const file = options.file ?? 'pickle'
  const extra = options.spikeDataClasses ?? []
  const value = unpickleNamingSpikeDataClasses(bytes, file, extra)
  const className = value instanceof PickledObject ? value.qualifiedName : undefined
  const type = className === undefined ? undefined : extra.includes(className) ? 'SpikeData' : BY_CLASS.get(className)
  return { value, type, file }
}

/** unpickle; a refused class named like a SpikeData (an older SpikeLab's, a subclass) gets the option that reads it. */
function unpickleNamingSpikeDataClasses(bytes: Uint8Array, file: string, extra: readonly string[]): ReturnType<typeof unpickle> {
  try {
    return unpickle(bytes, { file, recordClasses: extra })
  } catch (error) {
    if (!(error instanceof UnsafePickleError) || !/SpikeData$/.test(error.global) || error.hints.length > 0) throw error
    const module = String(error.details.module)
    const hint: Hint = {
      kind: 'option',
      option: 'spikeDataClasses',
      example: [error.global],
      why: 'if it is a SpikeData (an older SpikeLab, or a subclass): its state is then read as data, still without executing anything',
    }
    throw new UnsafePickleError(module, error.global.slice(module.length + 1), error.position, error.details.file as string | undefined, [hint])
  }
}

/**
 * SpikeLab's load_from_pickle, without executing anything: reads the pickle with the allowlist
 * unpickler and reports which SpikeLab type it holds. A SpikeData (or a class listed in
 * `spikeDataClasses`) is converted and validated; the other five types are returned as records.
 * Anything else is an InvalidDataError naming what was found.
 */
export function readSpikeLabPickle(bytes: Uint8Array, options: ReadPickleOptions = {}): SpikeLabPickle {
  const { value, type, file } = classify(bytes, options)
  if (!(value instanceof PickledObject) || type === undefined) {
    const found = pyTypeName(value)
    throw new InvalidDataError(
      `${file} does not contain a SpikeLab data object (${Object.keys(SPIKELAB_TYPES).join(', ')}); found ${found}. ` +
        'If it is a subclass of SpikeData, name it in the spikeDataClasses option.',
      { file, found },
    )
  }
  if (type === 'SpikeData') return { type, className: value.qualifiedName, spikeData: spikeDataFromRecord(value, { file, inputBytes: bytes.length }), record: value }
  return { type, className: value.qualifiedName, record: value }
}

/**
 * SpikeLab's load_spikedata_from_pickle on bytes already in memory: the pickle must hold a SpikeData.
 * Another SpikeLab type is reported by name (SPIKES_UNSUPPORTED, `found`), anything else is
 * SPIKES_INVALID_DATA with `found` = the Python type name.
 */
export function spikeDataFromPickleBytes(bytes: Uint8Array, options: ReadPickleOptions = {}): SpikeData {
  const { value, type, file } = classify(bytes, options)
  if (!(value instanceof PickledObject) || type === undefined) {
    const found = pyTypeName(value)
    throw new InvalidDataError(`${file} does not contain a SpikeData object (found ${found}).`, { file, found }, { hints: [readRecordHint('for the other SpikeLab data types')] })
  }
  if (type !== 'SpikeData') {
    throw new UnsupportedError(
      'spikelab-type',
      `${file} holds a SpikeLab ${type} (${value.qualifiedName}), not a SpikeData. The pickle loader returns SpikeData only.`,
      { file, found: type, className: value.qualifiedName },
      { hints: [readRecordHint(`to get the ${type} record`)] },
    )
  }
  return spikeDataFromRecord(value, { file, inputBytes: bytes.length })
}

/** The library call that reads any SpikeLab record; the CLI has no equivalent. */
function readRecordHint(why: string): Hint {
  return { kind: 'call', call: 'readSpikeLabPickle()', packageName: '@spikes/format-pickle', why }
}

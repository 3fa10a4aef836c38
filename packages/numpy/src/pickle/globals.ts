import { PickleGlobal, type GlobalKind } from './values.js'

/** SpikeLab's pickleable classes (module.Name): accepted as inert records, never constructed. */
export const SPIKELAB_CLASSES: readonly string[] = [
  'spikelab.spikedata.spikedata.SpikeData',
  'spikelab.spikedata.ratedata.RateData',
  'spikelab.spikedata.pairwise.PairwiseCompMatrix',
  'spikelab.spikedata.pairwise.PairwiseCompMatrixStack',
  'spikelab.spikedata.rateslicestack.RateSliceStack',
  'spikelab.spikedata.spikeslicestack.SpikeSliceStack',
]

/**
 * The whole allowlist of functions and types a pickle may name. Each maps to a fixed behaviour in
 * the unpickler (reconstructing an array, decoding a scalar, building a container); nothing is
 * looked up dynamically and no Python name ever reaches JavaScript property access.
 */
const ALLOWED: ReadonlyMap<string, GlobalKind> = new Map<string, GlobalKind>([
  ['numpy.core.multiarray._reconstruct', 'reconstruct'],
  ['numpy._core.multiarray._reconstruct', 'reconstruct'],
  ['numpy.core.multiarray.scalar', 'scalar'],
  ['numpy._core.multiarray.scalar', 'scalar'],
  ['numpy.core.numeric._frombuffer', 'frombuffer'],
  ['numpy._core.numeric._frombuffer', 'frombuffer'],
  ['numpy.ndarray', 'ndarray'],
  ['numpy.dtype', 'dtype'],
  ['_codecs.encode', 'codecs-encode'],
  ['copyreg._reconstructor', 'copyreg-reconstructor'],
  ['builtins.object', 'object'],
  ['builtins.bytes', 'bytes'],
  ['builtins.bytearray', 'bytearray'],
  ['builtins.set', 'set'],
  ['builtins.frozenset', 'frozenset'],
  ['builtins.list', 'list'],
  ['builtins.tuple', 'tuple'],
  ['builtins.dict', 'dict'],
  ['builtins.complex', 'complex'],
  ['collections.OrderedDict', 'dict'],
])

/** Python 2 module names that Python 3 maps when reading protocol 0-2 pickles (fix_imports). */
const PY2_MODULES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
])

/** Resolves module + name against the allowlist; undefined when refused. */
export class GlobalTable {
  private readonly cache = new Map<string, PickleGlobal>()
  private readonly records: ReadonlySet<string>

  constructor(extraRecordClasses: readonly string[] = []) {
    this.records = new Set([...SPIKELAB_CLASSES, ...extraRecordClasses])
  }

  resolve(module: string, name: string, protocol: number): PickleGlobal | undefined {
    const mod = protocol < 3 ? (PY2_MODULES.get(module) ?? module) : module
    const key = `${mod}.${name}`
    const cached = this.cache.get(key)
    if (cached) return cached
    const kind = ALLOWED.get(key) ?? (this.records.has(key) ? 'record-class' : undefined)
    if (kind === undefined) return undefined
    const ref = new PickleGlobal(mod, name, kind)
    this.cache.set(key, ref)
    return ref
  }
}

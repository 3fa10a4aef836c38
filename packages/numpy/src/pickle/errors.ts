import { SpikesError, type Hint } from '@spikes/core'

/**
 * A pickle names a global (a function or class) that is not on the unpickler's allowlist.
 * Raised when the GLOBAL / STACK_GLOBAL / INST opcode is read, before anything could use it. `hints`: what
 * a caller that knows the class (a format reader) advises, e.g. its option that admits it as data.
 */
export class UnsafePickleError extends SpikesError {
  override readonly name = 'UnsafePickleError'
  declare readonly global: string
  declare readonly position: number

  constructor(module: string, name: string, position: number, file?: string, hints: readonly Hint[] = []) {
    const global = `${module}.${name}`
    super(
      'SPIKES_UNSAFE_PICKLE',
      `${file ? `${file}: ` : ''}the pickle refers to '${global}' (at byte ${position}), which is not on the allowlist of data constructors (numpy arrays, dtypes and scalars, builtin containers, SpikeLab classes). Nothing was executed. ` +
        'Only load pickles from sources you trust; if this class is plain data, re-save it as .npz, HDF5 or NWB.',
      { global, module, position, ...(file ? { file } : {}) },
      { hints },
    )
  }
}

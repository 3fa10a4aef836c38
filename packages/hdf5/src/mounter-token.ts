import type { InjectionToken } from '@spikes/core'
import type { Hdf5Mounter } from './open.js'

/** Mounters tried for every ByteSource without a local path (after options.mount): register with `c.register(HDF5_MOUNTER, { useValue })`. */
export const HDF5_MOUNTER: InjectionToken<Hdf5Mounter> = Symbol.for('@spikes/hdf5/Mounter')

export { SelectionRequiredError, MissingEntryError, InvalidDataError, UnsupportedError, CorruptFileError } from '@spikes/core'
export type { Hdf5File, Hdf5Dataset } from '@spikes/hdf5'

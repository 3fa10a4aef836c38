/** An HDF5 object or region reference as stored (opaque bytes); resolve it with Hdf5File.resolveReference. */
export interface Hdf5Reference {
  readonly kind: 'object' | 'region'
  readonly bytes: Uint8Array
}

/** True for an Hdf5Reference as readReferences and attributes return them. */
export function isHdf5Reference(value: unknown): value is Hdf5Reference {
  return typeof value === 'object' && value !== null && (value as Hdf5Reference).bytes instanceof Uint8Array && ((value as Hdf5Reference).kind === 'object' || (value as Hdf5Reference).kind === 'region')
}

/** True when every byte is zero: h5py's null reference (an unset entry). */
export function isNullReference(ref: Hdf5Reference): boolean {
  return ref.bytes.every((b) => b === 0)
}

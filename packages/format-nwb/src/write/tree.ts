// The HDF5 tree that @spikes/hdf5's writer takes, built as plain data (h5wasm loads only when writing).
export { h5, type H5Ref, type H5TypedArray, type H5AttrValue, type H5Attrs, type H5DatasetSpec, type H5GroupSpec, type H5SoftLinkSpec, type H5NodeSpec } from '@spikes/hdf5/write'

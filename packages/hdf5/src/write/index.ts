export * from './tree.js'
export * from './write-hdf5.js'

export * from './emulator.js'
export * from './fixtures.js'
export { makeNwb } from './make-nwb.mjs'

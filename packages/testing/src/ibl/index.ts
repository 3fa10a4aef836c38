export * from './alyx-emulator.js'
export * from './ibl-world.js'
export * from './npy-writer.js'
export * from './parquet-writer.js'

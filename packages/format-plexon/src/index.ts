export { plexonLoader, detectPlexon, PLEXON_LOADER_VERSION, PLX_MAGIC, NEX_MAGIC, NEX5_MAGIC } from './plexon-loader.js'
export { plexonOptions, type PlexonOptions, type ResolvedPlexonOptions } from './options.js'
export { registerPlexon } from './register-plexon.js'

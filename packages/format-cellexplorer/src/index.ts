export { cellexplorerLoader, detectCellexplorer, CELLEXPLORER_LOADER_VERSION, CELLEXPLORER_VARIABLES } from './cellexplorer-loader.js'
export { cellexplorerOptions, type CellexplorerOptions, type ResolvedCellexplorerOptions } from './options.js'
export { registerCellexplorer } from './register-cellexplorer.js'

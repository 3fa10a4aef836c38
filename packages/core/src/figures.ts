// Helpers for figures and tables of units (the CLI's raster, the browser viewer): unit tables and orders,
// axis ticks and number formatting, the window of a sorted train. A separate entry keeps the application-facing bundle small.
export * from './unit-table.js'
export * from './plot-scale.js'
export * from './lower-bound.js'

import type * as H5Types from 'h5wasm'
import { nodeImport } from '@spikes/core/loader-utils'

export { nodeImport }

/** The h5wasm namespace (classes, `Module`, `FS`) once its wasm module has been instantiated. */
export type H5Wasm = typeof H5Types
/** The Emscripten module of h5wasm (low-level calls: get_dataset_data, _malloc, HEAPU8...). */
export type H5Module = (typeof H5Types)['Module']

export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined'

let loading: Promise<H5Wasm> | null = null

const DIAGNOSTICS_KEPT = 50
const diagnostics: string[] = []

/** What the HDF5 runtime would have printed (aborts, UTF-8 warnings), newest last; kept for debugging. */
export function hdf5Diagnostics(): readonly string[] {
  return diagnostics
}

/**
 * Emscripten binds its printers to console.log / console.error while the module is evaluated. Swapping
 * those two for a sink during the import makes the runtime's own output (such as "Aborted(...)" on a
 * corrupt file) land in hdf5Diagnostics() instead of the user's terminal.
 */
async function importSilently<T>(load: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn }
  const sink = (...args: unknown[]) => {
    diagnostics.push(args.map(String).join(' '))
    if (diagnostics.length > DIAGNOSTICS_KEPT) diagnostics.shift()
  }
  console.log = console.error = console.warn = sink
  try {
    return await load()
  } finally {
    Object.assign(console, saved)
  }
}

/**
 * Loads h5wasm once (Node build with direct file access under Node, the ESM build elsewhere) and
 * switches HDF5's error reporting from printing to throwing, so the library never writes to the console.
 */
export function loadH5wasm(): Promise<H5Wasm> {
  if (!loading) {
    loading = importSilently(async () => {
      const h5 = (isNode ? await nodeImport<H5Wasm>('h5wasm/node') : await import('h5wasm')) as H5Wasm
      await h5.ready
      h5.Module.activate_throwing_error_handler()
      return h5
    })
    loading.catch(() => {
      loading = null
    })
  }
  return loading
}

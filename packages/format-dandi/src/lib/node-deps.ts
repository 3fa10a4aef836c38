import { UnsupportedError } from '@spikes/core'
import { nodeImport } from '@spikes/core/loader-utils'

/** The Node modules that downloads to disk, temporary folders and the Zarr export use. */
export interface NodeDeps {
  fs: typeof import('node:fs/promises')
  path: typeof import('node:path')
  os: typeof import('node:os')
  crypto: typeof import('node:crypto')
  zlib: typeof import('node:zlib')
  core: typeof import('@spikes/core/node')
}

let loading: Promise<NodeDeps> | null = null

/** True under Node, where files can be written. */
export function hasFileSystem(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string'
}

/**
 * Imports the Node modules on first use, through nodeImport, so that a browser bundle of this package (which
 * loads through Range reads or into memory) never has to resolve them. Elsewhere than Node:
 * UnsupportedError (feature `node-file-system`), e.g. for the Zarr export in a browser.
 */
export function nodeDeps(): Promise<NodeDeps> {
  if (!hasFileSystem()) {
    return Promise.reject(new UnsupportedError('node-file-system', 'Writing files (downloads to disk, the Zarr export) needs Node; in a browser, load with download: true to fetch an asset into memory.'))
  }
  loading ??= (async () => {
    const [fs, path, os, crypto, zlib, core] = await Promise.all([
      nodeImport<NodeDeps['fs']>('node:fs/promises'),
      nodeImport<NodeDeps['path']>('node:path'),
      nodeImport<NodeDeps['os']>('node:os'),
      nodeImport<NodeDeps['crypto']>('node:crypto'),
      nodeImport<NodeDeps['zlib']>('node:zlib'),
      nodeImport<NodeDeps['core']>('@spikes/core/node'),
    ])
    return { fs, path, os, crypto, zlib, core }
  })()
  return loading
}

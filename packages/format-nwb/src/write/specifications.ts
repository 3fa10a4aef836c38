import { h5, type H5GroupSpec } from './tree.js'
import { CACHED_SPECS } from './cached-specs.js'

/** The NWB core and hdmf namespaces as pynwb caches them: /specifications/<namespace>/<version>/<source>. */
export function specificationsGroup(): H5GroupSpec {
  return h5.group(
    Object.fromEntries(
      Object.entries(CACHED_SPECS).map(([name, { version, sources }]) => [
        name,
        h5.group({ [version]: h5.group(Object.fromEntries(Object.entries(sources).map(([source, json]) => [source, h5.dataset(json)]))) }),
      ]),
    ),
  )
}

/** The version of the cached core namespace. */
export const CACHED_CORE_VERSION = CACHED_SPECS.core.version

import type { Source, SourceResolver } from '@spikes/core'
import { GUI_HOSTS } from './lib/reference.js'

/**
 * True for a link into the DANDI web app (`https://dandiarchive.org/dandiset/<id>/<version>/files?location=<path>`,
 * also the older `#/dandiset/...` route and the sandbox's hosts): a page, never a data file.
 */
export function isDandiWebLink(input: string): boolean {
  try {
    const url = new URL(input)
    const route = url.hash.startsWith('#/') ? url.hash.slice(1) : url.pathname
    return Object.hasOwn(GUI_HOSTS, url.hostname.toLowerCase()) && /^\/dandiset\/\d{6}(\/|$|\?)/.test(route)
  } catch {
    return false
  }
}

/**
 * True for a DANDI API asset URL on any archive: `<origin>/api/assets/<uuid>/[download/]` or
 * `<origin>/api/dandisets/<id>/versions/<v>/assets/<uuid>/[download/]`, the web app's download link among them.
 * It ends in '/', which the http resolver would read as a folder.
 */
export function isDandiApiAssetUrl(input: string): boolean {
  try {
    const url = new URL(input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
    return /\/api(?:\/dandisets\/\d{6}\/versions\/[^/]+)?\/assets\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/download)?\/?$/i.test(url.pathname)
  } catch {
    return false
  }
}

/**
 * Routes a DANDI web-app link or API asset URL given to loadSpikeData (or the CLI) to the `dandi` loader, which
 * resolves it to an asset; the http resolver would fetch the web page itself, or take the URL (ending in '/') for
 * a folder. Asked before it (priority 10).
 */
export const dandiWebLinkResolver: SourceResolver = {
  id: 'dandi-web-link',
  schemes: ['http', 'https'],
  priority: 10,
  canResolve: (input) => isDandiWebLink(input) || isDandiApiAssetUrl(input),
  async resolve(input): Promise<Source> {
    return { type: 'remote', name: input, url: input, scheme: 'dandi' }
  },
}

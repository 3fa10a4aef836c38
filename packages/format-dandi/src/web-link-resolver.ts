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
 * Routes a DANDI web-app link given to loadSpikeData (or the CLI) to the `dandi` loader, which resolves its
 * `location` to an asset; the http resolver would fetch the web page itself. Asked before it (priority 10).
 */
export const dandiWebLinkResolver: SourceResolver = {
  id: 'dandi-web-link',
  schemes: ['http', 'https'],
  priority: 10,
  canResolve: isDandiWebLink,
  async resolve(input): Promise<Source> {
    return { type: 'remote', name: input, url: input, scheme: 'dandi' }
  },
}

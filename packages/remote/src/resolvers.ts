import { InvalidArgumentError, type SourceResolver } from '@spikes/core'

/**
 * http(s) URLs: a path ending in '/' is a folder read through the server's listing (httpFolder), anything
 * else one file read with Range requests (HttpSource). The parsers load on first use.
 */
export const httpResolver: SourceResolver = {
  id: 'http',
  schemes: ['http', 'https'],
  async resolve(url, context) {
    let path: string
    try {
      path = new URL(url).pathname
    } catch {
      throw new InvalidArgumentError('input', url, 'a valid http(s) URL')
    }
    const options = { fetch: context.fetch, signal: context.signal }
    if (path.endsWith('/')) return (await import('./http/http-folder.js')).httpFolder(url, options)
    return new (await import('./http/http-source.js')).HttpSource(url, options)
  },
}

/**
 * s3:// URLs ending in '/' are folders (ListObjectsV2 pages, files read by signed Range requests). An s3://
 * object is declined, so it stays a remote input for the loaders that list the 's3' scheme (pickle, npz).
 */
export const s3FolderResolver: SourceResolver = {
  id: 's3-folder',
  schemes: ['s3'],
  async resolve(url, context) {
    if (!/^[^?#]*\/$/.test(url)) return undefined
    return (await import('./s3/s3-folder.js')).s3Folder(url, { fetch: context.fetch, signal: context.signal })
  },
}

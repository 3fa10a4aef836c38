import { InvalidArgumentError } from '../errors.js'
import { httpFolder } from './http-folder.js'
import { HttpSource, type HttpSourceOptions } from './http-source.js'
import type { Source } from './source.js'

/**
 * A URL as a source: http(s) → a folder (httpFolder) when its path ends in '/', else a file read by Range;
 * s3:// ending in '/' → an S3 folder (s3Folder). Undefined for other URLs (s3:// objects go to their loader).
 */
export async function openUrl(url: string, scheme: string, options: HttpSourceOptions): Promise<Source | undefined> {
  if (scheme === 's3') {
    if (!/^[^?#]*\/$/.test(url)) return undefined
    const { s3Folder } = await import('../s3/s3-folder.js')
    return s3Folder(url, { fetch: options.fetch, signal: options.signal })
  }
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    throw new InvalidArgumentError('input', url, 'a valid http(s) URL')
  }
  return path.endsWith('/') ? httpFolder(url, options) : new HttpSource(url, options)
}

import { InvalidArgumentError } from '../errors.js'
import { httpFolder } from './http-folder.js'
import { HttpSource, type HttpSourceOptions } from './http-source.js'
import type { Source } from './source.js'

/** An http(s) URL as a source: a folder (httpFolder) when its path ends in '/', else a file read by Range. */
export function openHttpUrl(url: string, options: HttpSourceOptions): Source {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    throw new InvalidArgumentError('input', url, 'a valid http(s) URL')
  }
  return path.endsWith('/') ? httpFolder(url, options) : new HttpSource(url, options)
}

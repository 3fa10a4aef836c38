import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { SourceResolver } from '../registry/resolve-source.js'
import { directorySource } from './directory-source.js'
import { fileSource, toSourceError } from './file-source.js'

/** Resolves local paths to a file or directory source. */
export const localPathResolver: SourceResolver = {
  id: 'local-path',
  async resolve(input) {
    const full = resolve(input)
    let isDirectory: boolean
    try {
      isDirectory = (await stat(full)).isDirectory()
    } catch (error) {
      throw toSourceError(error, full)
    }
    return isDirectory ? directorySource(full) : fileSource(full)
  },
}

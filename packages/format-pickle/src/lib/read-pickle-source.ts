import { InvalidArgumentError, InvalidSourceError, readExactly, throwIfAborted, type LoadContext, type Source } from '@spikes/core'
import type { CheckedPickleOptions } from '../options.js'

/** The whole pickle: from a byte source (size checked first), or from S3 for an s3:// remote source. */
export async function readPickleSource(source: Source, checked: CheckedPickleOptions, context: LoadContext): Promise<{ bytes: Uint8Array; file: string }> {
  if (source.type === 'remote') {
    const { assertS3, readS3Object } = await import('./s3.js')
    assertS3(source.url)
    if (!checked.allowRemote) {
      throw new InvalidArgumentError('allowRemote', false, `true to load a pickle from the remote URL ${source.url} (SpikeLab refuses remote pickles unless allow_remote=True)`)
    }
    context.warn('SPIKES_WARN_REMOTE_PICKLE', `Loading a pickle from the remote URL ${source.url}. This reader never executes code from a pickle, but trust the bucket and its credentials before using the data.`, { url: source.url })
    context.progress({ phase: 'download', loaded: 0, unit: 'bytes' })
    const bytes = await readS3Object(source.url, {
      accessKeyId: checked.awsAccessKeyId,
      secretAccessKey: checked.awsSecretAccessKey,
      sessionToken: checked.awsSessionToken,
      region: checked.regionName,
      endpointUrl: checked.endpointUrl,
      maxBytes: checked.maxBytes,
      fetch: context.fetch,
      signal: context.signal,
    })
    context.progress({ phase: 'download', loaded: bytes.length, total: bytes.length, unit: 'bytes' })
    return { bytes, file: source.url }
  }
  if (source.type !== 'file') throw new InvalidSourceError(`The pickle loader reads a file, but '${source.name}' is a ${source.type}.`, { formatId: 'pickle', expected: 'file', got: source.type })
  throwIfAborted(context.signal, `Loading ${source.name}`)
  const size = await source.size()
  if (size > checked.maxBytes) throw new InvalidArgumentError('maxBytes', checked.maxBytes, `at least ${size} to read ${source.name} (a pickle is read whole)`)
  context.progress({ phase: 'read', loaded: 0, total: size, unit: 'bytes' })
  const bytes = await readExactly(source, 0, size)
  context.progress({ phase: 'read', loaded: size, total: size, unit: 'bytes' })
  return { bytes, file: source.path ?? source.name }
}

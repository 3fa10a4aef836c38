import { UnsupportedError } from '@spikes/core'

// The S3 client (SigV4, the credential chain, GET Object) lives in @spikes/remote, beside s3:// folders.
export { parseS3Url, readS3Object, resolveS3Credentials, s3ObjectUrl, signS3Request, type S3Credentials, type S3Options } from '@spikes/remote'

/** Guards the s3:// scheme: other remote schemes belong to other loaders. */
export function assertS3(url: string): void {
  if (!/^s3:\/\//i.test(url)) throw new UnsupportedError('remote-scheme', `The pickle loader reads local files, http(s) and s3:// URLs, not ${url.split(':')[0]}://.`, { url })
}

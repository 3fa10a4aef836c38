/**
 * Query parameters that carry a secret: tokens and keys, S3/GCS presigned signatures and credentials, CloudFront's
 * Policy + Signature, Azure SAS's `sig`, passwords.
 */
const SECRET_PARAM = /token|key|secret|signature|credential|password|passwd|^pwd$|^sig$|^auth$|^policy$/i

/** Strips credentials and token-like query parameters from a URL before it is shown or recorded anywhere. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    for (const key of [...u.searchParams.keys()]) if (SECRET_PARAM.test(key)) u.searchParams.set(key, 'REDACTED')
    return u.toString()
  } catch {
    return url
  }
}

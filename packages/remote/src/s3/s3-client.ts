import { InvalidArgumentError, MissingFileError, NetworkError } from '@spikes/core'
import { nodeImport } from '@spikes/core/loader-utils'
import { fetchWithRetry, readBodyCapped } from '../http/http-fetch.js'

/** Credentials for signing S3 requests (AWS Signature Version 4). */
export interface S3Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** Options of {@link readS3Object} and {@link resolveS3Credentials}: credentials, endpoint, limits and HTTP behaviour. */
export interface S3Options {
  /** Explicit credentials (SpikeLab's aws_access_key_id / aws_secret_access_key / aws_session_token). */
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
  /** Region; default AWS_REGION, AWS_DEFAULT_REGION, the profile's region in ~/.aws/config, then us-east-1. */
  region?: string
  /** An S3-compatible endpoint (path-style requests); default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS. */
  endpointUrl?: string
  /** Profile of the shared credentials file; default AWS_PROFILE, AWS_DEFAULT_PROFILE, then 'default'. */
  profile?: string
  /** Environment to read AWS_* variables from (default process.env). */
  env?: Record<string, string | undefined>
  /** Shared credentials / config files; default AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/credentials and ~/.aws/config. */
  credentialsFile?: string
  configFile?: string
  /** Objects larger than this are refused before their body is read (default 1 GiB). */
  maxBytes?: number
  /** fetch implementation for the GET request (default the global fetch). */
  fetch?: typeof fetch
  signal?: AbortSignal
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number
  /** Retries on network errors, 429 and 5xx (default 4). */
  retries?: number
  /** Clock for signing (tests). */
  now?: () => Date
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** Splits s3://bucket/key; the key is taken literally (no percent-decoding), as boto3 does. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/?#]+)\/(.+)$/i.exec(url)
  if (!m) throw new InvalidArgumentError('url', url, 's3://bucket/key')
  return { bucket: m[1], key: m[2] }
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and '/' in paths). */
export function uriEncode(text: string, keepSlash: boolean): string {
  let out = ''
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * Signs a request with AWS Signature Version 4 (service s3) and returns the headers to send:
 * the given ones plus x-amz-date, x-amz-content-sha256, x-amz-security-token and Authorization.
 * `host` is signed from the URL. Uses Web Crypto, so it works in browsers as under Node.
 */
export async function signS3Request(request: { method: string; url: string; headers?: Record<string, string>; region: string; credentials: S3Credentials; date: Date; payloadHash?: string }): Promise<Record<string, string>> {
  const u = new URL(request.url)
  const amzDate = request.date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const payloadHash = request.payloadHash ?? EMPTY_SHA256
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash }
  if (request.credentials.sessionToken) headers['x-amz-security-token'] = request.credentials.sessionToken
  const canonical = new Map<string, string>([['host', u.host]])
  for (const [k, v] of Object.entries(headers)) canonical.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '))
  const names = [...canonical.keys()].sort()
  const query = [...u.searchParams]
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalRequest = [request.method, u.pathname || '/', query, ...names.map((n) => `${n}:${canonical.get(n)}`), '', names.join(';'), payloadHash].join('\n')
  const scope = `${day}/${request.region}/s3/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(await crypto.subtle.digest('SHA-256', utf8(canonicalRequest)))].join('\n')
  let key = utf8(`AWS4${request.credentials.secretAccessKey}`).slice().buffer as ArrayBuffer
  for (const part of [day, request.region, 's3', 'aws4_request']) key = await hmac(key, part)
  const signature = hex(await hmac(key, stringToSign))
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
  return headers
}

const utf8 = (text: string) => new TextEncoder().encode(text)
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

async function hmac(key: ArrayBuffer, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return crypto.subtle.sign('HMAC', k, utf8(data))
}

/** Parses an INI file (~/.aws/credentials, ~/.aws/config) into sections of key = value. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[([^\]]+)\]$/.exec(line)
    if (section) {
      current = new Map()
      sections.set(section[1].trim(), current)
      continue
    }
    const eq = line.indexOf('=')
    if (current && eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim())
  }
  return sections
}

/** A file's text, or undefined when it is missing or unreadable, or there are no files (browsers). */
async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    const { readFile } = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises')
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

async function awsFile(explicit: string | undefined, envPath: string | undefined, name: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  if (explicit ?? envPath) return readOptionalFile((explicit ?? envPath) as string)
  let home = env.HOME ?? env.USERPROFILE
  if (!home) {
    try {
      home = (await nodeImport<typeof import('node:os')>('node:os')).homedir()
    } catch {
      return undefined
    }
  }
  return readOptionalFile(`${home}/.aws/${name}`)
}

/**
 * The standard credential chain, as boto3 without instance metadata: explicit options, then
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), then the profile (AWS_PROFILE or
 * 'default') of the shared credentials file, then the config file. Null: no credentials (the request
 * goes unsigned, which public buckets accept).
 */
export async function resolveS3Credentials(options: S3Options = {}): Promise<{ credentials: S3Credentials | null; region: string; /** False when no option, variable or profile named a region (then 'us-east-1'). */ regionGiven: boolean }> {
  const env = options.env ?? (typeof process !== 'undefined' ? process.env : {})
  const profile = options.profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE
  let region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  let credentials: S3Credentials | null = null
  if (options.accessKeyId || options.secretAccessKey) {
    if (!options.accessKeyId || !options.secretAccessKey) throw new InvalidArgumentError(options.accessKeyId ? 'secretAccessKey' : 'accessKeyId', undefined, 'both an access key id and a secret access key')
    credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, sessionToken: options.sessionToken }
  } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !options.profile) {
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
  }
  if (credentials && region) return { credentials, region, regionGiven: true }
  const name = profile ?? 'default'
  const credentialsText = await awsFile(options.credentialsFile, env.AWS_SHARED_CREDENTIALS_FILE, 'credentials', env)
  const configText = await awsFile(options.configFile, env.AWS_CONFIG_FILE, 'config', env)
  const fromCredentials = credentialsText ? parseIni(credentialsText).get(name) : undefined
  const configSections = configText ? parseIni(configText) : undefined
  const fromConfig = configSections?.get(name === 'default' ? 'default' : `profile ${name}`) ?? configSections?.get(name)
  if (profile && !fromCredentials && !fromConfig && !credentials) {
    throw new InvalidArgumentError('profile', profile, 'a profile defined in the shared credentials file (~/.aws/credentials) or config file (~/.aws/config)')
  }
  if (!credentials) {
    for (const section of [fromCredentials, fromConfig]) {
      const id = section?.get('aws_access_key_id')
      const secret = section?.get('aws_secret_access_key')
      if (id && secret) {
        credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: section?.get('aws_session_token') || undefined }
        break
      }
    }
  }
  region ??= fromConfig?.get('region') ?? fromCredentials?.get('region')
  return { credentials, region: region ?? 'us-east-1', regionGiven: region !== undefined }
}

/** How to reach a bucket: credentials (null: unsigned), the region to sign for, and the endpoint (undefined: AWS). */
export interface S3Access {
  readonly credentials: S3Credentials | null
  readonly region: string
  readonly endpoint: string | undefined
}

/**
 * Credentials, region and endpoint for `bucket`. On AWS, when nothing names a region, the bucket's own region
 * is asked for (HEAD on the global endpoint answers `x-amz-bucket-region`, even for a bucket one may not read),
 * so that a public bucket outside us-east-1 needs no configuration; if that fails, us-east-1.
 */
export async function resolveS3Access(bucket: string, options: S3Options = {}): Promise<S3Access> {
  const endpoint = s3Endpoint(options)
  const { credentials, region, regionGiven } = await resolveS3Credentials(options)
  if (endpoint !== undefined || regionGiven) return { credentials, region, endpoint }
  return { credentials, region: (await bucketRegion(bucket, options)) ?? region, endpoint }
}

async function bucketRegion(bucket: string, options: S3Options): Promise<string | undefined> {
  const url = bucket.includes('.') ? `https://s3.amazonaws.com/${uriEncode(bucket, false)}` : `https://${bucket}.s3.amazonaws.com/`
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) })
    const region = response.headers.get('x-amz-bucket-region')
    return region && /^[a-z0-9-]{1,40}$/.test(region) ? region : undefined
  } catch {
    return undefined
  }
}

/** The S3-compatible endpoint: the option, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL; undefined for AWS itself. */
export function s3Endpoint(options: S3Options = {}): string | undefined {
  const env = options.env ?? (typeof process !== 'undefined' ? process.env : {})
  const endpoint = options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/i.test(endpoint)) throw new InvalidArgumentError('endpointUrl', endpoint, 'an http(s) URL such as http://127.0.0.1:9000')
  return endpoint
}

/** The HTTPS URL of an object: path-style on a custom endpoint (or a dotted bucket), virtual-hosted on AWS. */
export function s3ObjectUrl(bucket: string, key: string, region: string, endpointUrl?: string): string {
  const path = uriEncode(key, true)
  if (endpointUrl) return `${endpointUrl.replace(/\/+$/, '')}/${uriEncode(bucket, false)}/${path}`
  if (bucket.includes('.')) return `https://s3.${region}.amazonaws.com/${uriEncode(bucket, false)}/${path}`
  return `https://${bucket}.s3.${region}.amazonaws.com/${path}`
}

/**
 * Downloads s3://bucket/key through the S3 API (GET Object, SigV4-signed when credentials are found).
 * 404 -> MissingFileError; 403 and other HTTP failures -> NetworkError with `status` (and `s3Code`).
 */
export async function readS3Object(url: string, options: S3Options = {}): Promise<Uint8Array> {
  const { bucket, key } = parseS3Url(url)
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024
  const { credentials, region, endpoint } = await resolveS3Access(bucket, options)
  const target = s3ObjectUrl(bucket, key, region, endpoint)
  const headers = credentials ? await signS3Request({ method: 'GET', url: target, region, credentials, date: options.now?.() ?? new Date() }) : {}
  let response: Response
  try {
    response = await fetchWithRetry(target, { method: 'GET', headers }, { fetch: options.fetch, signal: options.signal, timeoutMs: options.timeoutMs, retries: options.retries })
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 404) throw new MissingFileError(key, `s3://${bucket}`, 'Check the bucket and key (S3 answered 404 Not Found).')
    if (status === 403) {
      throw new NetworkError(
        `S3 refused ${url} (403 Forbidden). Check the credentials (awsAccessKeyId / awsSecretAccessKey, AWS_ACCESS_KEY_ID, AWS_PROFILE), the region and the endpoint.`,
        { url, status, s3Code: s3ErrorCode((error as Error).message) },
        { cause: error },
      )
    }
    throw error
  }
  const declared = Number(response.headers.get('content-length'))
  const bytes = await readBodyCapped(response, maxBytes, () => new InvalidArgumentError('maxBytes', maxBytes, `at least ${Number.isFinite(declared) ? declared : 'the size of'} ${url}`), url)
  if (Number.isFinite(declared) && response.headers.has('content-length') && bytes.length !== declared) {
    throw new NetworkError(`S3 sent ${bytes.length} bytes of ${url} but announced ${declared}: the transfer was cut.`, { url, expected: declared, actual: bytes.length })
  }
  return bytes
}

/** The `<Code>` of an S3 error body (AccessDenied, NoSuchKey, ...), when the message carries one. */
export function s3ErrorCode(message: string): string | undefined {
  return /<Code>([^<]{1,64})<\/Code>/.exec(message)?.[1]
}

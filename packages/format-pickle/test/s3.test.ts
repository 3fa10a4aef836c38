import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pickleLoader, readS3Object, resolveS3Credentials, s3ObjectUrl, signS3Request, spikeDataFromPickleBytes } from '../src/index.js'
import { startFakeS3, type FakeS3 } from '@spikes/testing'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const PICKLE = readFileSync(FIXTURES + 'spikedata-p4.pkl')
const KEY = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret/with+chars' }
const TEMP = { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'session-token-123' }
const REGION = 'eu-west-3'

let s3: FakeS3
let home: string

beforeAll(async () => {
  s3 = await startFakeS3({
    region: REGION,
    keys: [KEY, TEMP],
    objects: { 'lab-data/runs/2024/sd.pkl': PICKLE, 'lab-data/with space/ünï code+plus.pkl': PICKLE, 'lab-data/big.bin': new Uint8Array(4096) },
  })
  home = mkdtempSync(join(tmpdir(), 'spikes-s3-home-'))
  writeFileSync(join(home, 'credentials'), `[default]\naws_access_key_id = NOPE\naws_secret_access_key = nope\n\n[lab]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\n`)
  writeFileSync(join(home, 'config'), `[default]\nregion = us-west-2\n\n[profile lab]\nregion = ${REGION}\n`)
})

afterAll(async () => {
  await s3.close()
  rmSync(home, { recursive: true, force: true })
})

const base = () => ({ env: {} as Record<string, string>, endpointUrl: s3.endpoint, region: REGION, retries: 0, timeoutMs: 5000 })

describe('SigV4 signing', () => {
  it("reproduces the signature of AWS's documented GET Object example", async () => {
    // AWS Signature Version 4 documentation, "Example: GET Object" (examplebucket/test.txt, Range bytes=0-9).
    const headers = await signS3Request({
      method: 'GET',
      url: 'https://examplebucket.s3.amazonaws.com/test.txt',
      headers: { range: 'bytes=0-9' },
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      date: new Date(Date.UTC(2013, 4, 24)),
    })
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    )
  })

  it('builds virtual-hosted URLs on AWS and path-style URLs on a custom endpoint', () => {
    expect(s3ObjectUrl('bucket', 'a b/c.pkl', 'us-east-2')).toBe('https://bucket.s3.us-east-2.amazonaws.com/a%20b/c.pkl')
    expect(s3ObjectUrl('my.bucket', 'k', 'us-east-1')).toBe('https://s3.us-east-1.amazonaws.com/my.bucket/k')
    expect(s3ObjectUrl('b', 'k+1', 'x', 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000/b/k%2B1')
  })
})

describe('readS3Object against a local S3-compatible server', () => {
  it('reads an object with explicit credentials', async () => {
    const bytes = await readS3Object('s3://lab-data/runs/2024/sd.pkl', { ...base(), ...KEY })
    expect(Buffer.compare(Buffer.from(bytes), PICKLE)).toBe(0)
    expect(s3.requests.at(-1)).toMatchObject({ outcome: 200, path: '/lab-data/runs/2024/sd.pkl' })
  })

  it('encodes keys with spaces, unicode and plus signs as S3 expects', async () => {
    const bytes = await readS3Object('s3://lab-data/with space/ünï code+plus.pkl', { ...base(), ...KEY })
    expect(bytes.length).toBe(PICKLE.length)
  })

  it('takes credentials and a session token from the environment', async () => {
    const env = { AWS_ACCESS_KEY_ID: TEMP.accessKeyId, AWS_SECRET_ACCESS_KEY: TEMP.secretAccessKey, AWS_SESSION_TOKEN: TEMP.sessionToken, AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: REGION }
    const bytes = await readS3Object('s3://lab-data/runs/2024/sd.pkl', { env, retries: 0 })
    expect(bytes.length).toBe(PICKLE.length)
    expect(s3.requests.at(-1)?.headers['x-amz-security-token']).toBe(TEMP.sessionToken)
  })

  it('reads AWS_PROFILE from the shared credentials file, and its region from the config file', async () => {
    const env = { AWS_PROFILE: 'lab', AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config') }
    expect(await resolveS3Credentials({ env })).toEqual({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey, sessionToken: undefined }, region: REGION, regionGiven: true })
    const bytes = await readS3Object('s3://lab-data/runs/2024/sd.pkl', { env: { ...env, AWS_ENDPOINT_URL_S3: s3.endpoint }, retries: 0 })
    expect(bytes.length).toBe(PICKLE.length)
  })

  it('finds ~/.aws through HOME and uses the default profile', async () => {
    const fakeHome = mkdtempSync(join(tmpdir(), 'spikes-home-'))
    try {
      const { mkdirSync } = await import('node:fs')
      mkdirSync(join(fakeHome, '.aws'))
      writeFileSync(join(fakeHome, '.aws', 'credentials'), `[default]\naws_access_key_id=${KEY.accessKeyId}\naws_secret_access_key=${KEY.secretAccessKey}\n`)
      const resolved = await resolveS3Credentials({ env: { HOME: fakeHome } })
      expect(resolved).toEqual({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey, sessionToken: undefined }, region: 'us-east-1', regionGiven: false })
    } finally {
      rmSync(fakeHome, { recursive: true, force: true })
    }
  })

  it('a wrong secret is a 403 NetworkError with the S3 error code', async () => {
    await expect(readS3Object('s3://lab-data/runs/2024/sd.pkl', { ...base(), accessKeyId: KEY.accessKeyId, secretAccessKey: 'wrong' })).rejects.toMatchObject({
      code: 'SPIKES_NETWORK',
      status: 403,
      s3Code: 'SignatureDoesNotMatch',
    })
  })

  it('a wrong region is refused by the signature check', async () => {
    await expect(readS3Object('s3://lab-data/runs/2024/sd.pkl', { ...base(), ...KEY, region: 'us-east-1' })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 403 })
  })

  it('no credentials at all sends an unsigned request, which this bucket refuses', async () => {
    await expect(readS3Object('s3://lab-data/runs/2024/sd.pkl', { ...base(), env: { HOME: home + '/none' } })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 403, s3Code: 'AccessDenied' })
    expect(s3.requests.at(-1)?.headers.authorization).toBeUndefined()
  })

  it('a missing key is SPIKES_MISSING_FILE', async () => {
    await expect(readS3Object('s3://lab-data/nope.pkl', { ...base(), ...KEY })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'nope.pkl', folder: 's3://lab-data' })
  })

  it('refuses objects larger than maxBytes', async () => {
    await expect(readS3Object('s3://lab-data/big.bin', { ...base(), ...KEY, maxBytes: 100 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'maxBytes' })
  })

  it('rejects malformed URLs, unknown profiles and half credentials', async () => {
    await expect(readS3Object('s3://bucket-only', base())).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'url' })
    await expect(readS3Object('s3://b/k', { ...base(), env: { AWS_PROFILE: 'ghost', AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config') } })).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'profile',
    })
    await expect(readS3Object('s3://b/k', { ...base(), accessKeyId: 'x' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'secretAccessKey' })
  })
})

describe('pickles from S3', () => {
  const remote = { type: 'remote' as const, name: 's3://lab-data/runs/2024/sd.pkl', url: 's3://lab-data/runs/2024/sd.pkl', scheme: 's3' }

  it('readS3Object + the pickle-from-bytes path give the SpikeData', async () => {
    const sd = spikeDataFromPickleBytes(await readS3Object(remote.url, { ...base(), ...KEY }), { file: remote.url })
    expect(sd.N).toBe(4)
  })

  it('the loader reads an s3:// source with allowRemote and warns, as SpikeLab', async () => {
    const warnings: string[] = []
    const before = s3.requests.length
    const sd = await pickleLoader.load(
      remote,
      { allowRemote: true, endpointUrl: s3.endpoint, regionName: REGION, awsAccessKeyId: KEY.accessKeyId, awsSecretAccessKey: KEY.secretAccessKey },
      { warn: (code) => warnings.push(code), progress() {} },
    )
    expect(sd.N).toBe(4)
    expect(warnings).toEqual(['SPIKES_WARN_REMOTE_PICKLE'])
    expect(s3.requests.length).toBe(before + 1)
  })

  it('without allowRemote nothing is requested', async () => {
    const before = s3.requests.length
    await expect(pickleLoader.load(remote, { endpointUrl: s3.endpoint, awsAccessKeyId: KEY.accessKeyId, awsSecretAccessKey: KEY.secretAccessKey }, { warn() {}, progress() {} })).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'allowRemote',
    })
    expect(s3.requests.length).toBe(before)
  })
})

describe('s3:// through loadSpikeData', () => {
  it('the registry hands s3:// URLs to the pickle loader (auto-detected and forced)', async () => {
    const { container, loadSpikeData } = await import('@spikes/core')
    const { registerPickle } = await import('../src/index.js')
    const c = container.createChildContainer()
    registerPickle(c)
    const options = { allowRemote: true, endpointUrl: s3.endpoint, regionName: REGION, awsAccessKeyId: KEY.accessKeyId, awsSecretAccessKey: KEY.secretAccessKey }
    let chosen = ''
    const sd = await loadSpikeData('s3://lab-data/runs/2024/sd.pkl', { container: c, options, onSelect: (s) => (chosen = s.loader.id) })
    expect([chosen, sd.N]).toEqual(['pickle', 4])
    expect(sd.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_REMOTE_PICKLE'])
    const forced = await loadSpikeData('s3://lab-data/runs/2024/sd.pkl', { container: c, format: 'pickle', options })
    expect(forced.N).toBe(4)
  })
})

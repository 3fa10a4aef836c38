import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeS3, type FakeS3 } from '@spikes/testing'
import { container as rootContainer, resolveSource } from '@spikes/core'
import { registerRemote, s3Folder } from '../src/index.js'

const container = rootContainer.createChildContainer()
registerRemote(container)

const KEY = { accessKeyId: 'AKIDFOLDER', secretAccessKey: 'folder/secret+1' }
const REGION = 'eu-central-1'
const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) & 0xff)
const OBJECTS: Record<string, Uint8Array> = {
  'lab/sortings/ks 1/spike_times.npy': big,
  'lab/sortings/ks 1/params.py': new TextEncoder().encode('sample_rate = 30000\n'),
  'lab/sortings/ks 1/notes & more.tsv': new Uint8Array([1, 2, 3]),
  'lab/sortings/ks 1/sub/a.bin': new Uint8Array([4]),
  'lab/sortings/ks 1/sub/b.bin': new Uint8Array([5]),
  'lab/sortings/ks 10/other.bin': new Uint8Array([6]),
}

let s3: FakeS3
beforeAll(async () => {
  s3 = await startFakeS3({ objects: OBJECTS, keys: [KEY], region: REGION, pageSize: 2 })
})
afterAll(() => s3.close())

const options = () => ({ env: {}, endpointUrl: s3.endpoint, region: REGION, accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey, retries: 0 })

describe('s3Folder', () => {
  it('lists a prefix across pages (signed ListObjectsV2), without the sibling that shares its name', async () => {
    const folder = s3Folder('s3://lab/sortings/ks 1/', options())
    expect(folder.name).toBe('ks 1')
    expect((await folder.list()).map((e) => `${e.name}:${e.kind}:${e.size ?? ''}`).sort()).toEqual(['notes & more.tsv:file:3', 'params.py:file:20', 'spike_times.npy:file:200000', 'sub:folder:'])
    expect((await folder.list('sub')).map((e) => e.name)).toEqual(['a.bin', 'b.bin'])
    expect(await folder.exists('sub/b.bin')).toBe(true)
    expect(await folder.exists('sub')).toBe(false)
    expect(s3.requests.filter((r) => r.path.includes('list-type=2')).every((r) => r.outcome === 200)).toBe(true)
  })

  it('reads files in place with signed Range requests, counting the traffic', async () => {
    const folder = s3Folder('s3://lab/sortings/ks 1', { ...options(), blockSize: 4096 })
    const before = s3.requests.length
    const file = await folder.open('spike_times.npy')
    expect(await file.size()).toBe(200_000)
    expect((await file.read(150_000, 4))[0]).toBe(big[150_000])
    expect(await (await folder.open('notes & more.tsv')).read(0, 3)).toEqual(new Uint8Array([1, 2, 3]))
    const reads = s3.requests.slice(before).filter((r) => !r.path.includes('list-type'))
    expect(reads.every((r) => r.outcome === 206 && /^bytes=\d+-\d+$/.test(String(r.headers.range)))).toBe(true)
    expect(folder.stats.bytes).toBeLessThan(20_000)
  })

  it('gives typed errors: wrong key (403 with the S3 code), no such bucket, missing file, path outside', async () => {
    await expect(s3Folder('s3://lab/sortings/ks 1/', { ...options(), secretAccessKey: 'wrong' }).list()).rejects.toMatchObject({ code: 'SPIKES_NETWORK', details: { status: 403, s3Code: 'SignatureDoesNotMatch' } })
    await expect(s3Folder('s3://nobucket/x/', options()).list()).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
    await expect(s3Folder('s3://lab/sortings/ks 1/', options()).open('missing.npy')).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', details: { file: 'missing.npy' } })
    await expect(s3Folder('s3://lab/sortings/ks 1/', options()).open('../ks 10/other.bin')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    expect(() => s3Folder('https://lab/x/')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    // A listing page is bounded like a web folder's listing: a huge answer is refused before it is read.
    const huge = (async () => new Response('<ListBucketResult>', { headers: { 'content-length': String(17 * 1024 * 1024) } })) as typeof fetch
    await expect(s3Folder('s3://lab/x/', { ...options(), fetch: huge }).list()).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE', details: { maxBytes: 16 * 1024 * 1024 } })
  })

  it('is what loadSpikeData makes of an s3:// URL ending in /, finding credentials in the environment', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey })
    try {
      const source = await resolveSource('s3://lab/sortings/ks 1/', container)
      expect(source.type).toBe('folder')
      expect((await (source as ReturnType<typeof s3Folder>).list()).length).toBe(4)
      expect((await resolveSource('s3://lab/sortings/ks 1/params.py', container)).type).toBe('remote')
    } finally {
      process.env = saved
    }
  })

  it("finds a public AWS bucket's region by itself and reads it unsigned, with no configuration", async () => {
    const pub = await startFakeS3({ objects: { 'open-data/ks/spike_times.npy': big, 'open-data/ks/params.py': new Uint8Array([1]) }, keys: [], region: 'ap-south-1', anonymous: true })
    const seen: string[] = []
    // Stands in for AWS: the global endpoint tells the bucket's region; regional virtual-hosted URLs go to the fake, path-style.
    const aws = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      seen.push(`${init?.method ?? 'GET'} ${url.host}`)
      if (url.host === 'open-data.s3.amazonaws.com') return new Response(null, { status: 403, headers: { 'x-amz-bucket-region': 'ap-south-1' } })
      const m = /^open-data\.s3\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.host)
      if (!m || m[1] !== 'ap-south-1') return new Response('<Error><Code>PermanentRedirect</Code></Error>', { status: 301 })
      return fetch(`${pub.endpoint}/open-data${url.pathname}${url.search}`, init)
    }) as typeof fetch
    try {
      const folder = s3Folder('s3://open-data/ks/', { env: {}, fetch: aws, retries: 0 })
      expect((await folder.list()).map((e) => e.name).sort()).toEqual(['params.py', 'spike_times.npy'])
      expect((await (await folder.open('spike_times.npy')).read(100, 4))[0]).toBe(big[100])
      expect(seen[0]).toBe('HEAD open-data.s3.amazonaws.com')
      expect(seen.slice(1).every((s) => s === 'GET open-data.s3.ap-south-1.amazonaws.com')).toBe(true)
      expect(pub.requests.every((r) => r.outcome === 200 || r.outcome === 206) && pub.requests.every((r) => !r.headers.authorization)).toBe(true)
      // A configured region is used as it is: no lookup.
      seen.length = 0
      await s3Folder('s3://open-data/ks/', { env: { AWS_REGION: 'ap-south-1' }, fetch: aws, retries: 0 }).list()
      expect(seen).toEqual(['GET open-data.s3.ap-south-1.amazonaws.com'])
    } finally {
      await pub.close()
    }
  })
})

describe('s3Folder with bucketUrl (a public bucket by its published URL)', () => {
  it('lists and reads at that URL, unsigned, with no credential, region or endpoint lookup', async () => {
    const open = await startFakeS3({ objects: OBJECTS, keys: [KEY], region: REGION, pageSize: 2, anonymous: true })
    try {
      // Credentials in the environment would sign every request; bucketUrl ignores them, as boto's UNSIGNED does.
      const env = { AWS_ACCESS_KEY_ID: 'AKIDWRONG', AWS_SECRET_ACCESS_KEY: 'not-this-one', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }
      const folder = s3Folder('s3://lab/sortings/ks 1/', { bucketUrl: `${open.endpoint}/lab`, env, retries: 0 })
      expect((await folder.list()).map((e) => e.name).sort()).toEqual(['notes & more.tsv', 'params.py', 'spike_times.npy', 'sub'])
      const file = await folder.open('sub/b.bin')
      expect(Array.from(await file.read(0, 1))).toEqual([5])
      expect(open.requests.length).toBeGreaterThan(2)
      expect(open.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([])
      expect(open.requests.map((r) => r.path)).toContain('/lab/sortings/ks%201/sub/b.bin')
    } finally {
      await open.close()
    }
  })
})

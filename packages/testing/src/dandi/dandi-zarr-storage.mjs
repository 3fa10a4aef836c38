// Zarr assets in the emulated DANDI bucket: the objects of a local Zarr folder under `zarr/<zarr_id>/`,
// listed as S3 answers ListObjectsV2 (keys and common prefixes in one sorted sequence, `max-keys` per page,
// opaque continuation tokens), read anonymously as the public bucket allows.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Every object of a Zarr folder: key (relative, '/'-separated) -> { file, size, etag }, without the `omit` keys. */
export function zarrObjects(folder, omit = []) {
  const skip = new Set(omit)
  const out = new Map()
  const walk = (dir, rel) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const key = rel ? `${rel}/${entry.name}` : entry.name
      const file = join(dir, entry.name)
      if (entry.isDirectory()) walk(file, key)
      else if (!skip.has(key)) out.set(key, { file, size: statSync(file).size, etag: createHash('md5').update(readFileSync(file)).digest('hex'), contentType: 'binary/octet-stream' })
    }
  }
  walk(folder, '')
  return out
}

const escapeXml = (text) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c])

/**
 * The ListBucketResult of one ListObjectsV2 request over `keys` (every object key of the bucket, sorted):
 * { status, body }. Query: prefix, delimiter, max-keys (default and cap `pageSize`), continuation-token.
 */
export function listObjectsV2(bucket, keys, query, pageSize, lastModified) {
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') ?? ''
  const maxKeys = Math.min(Number(query.get('max-keys') ?? pageSize) || pageSize, pageSize)
  const token = query.get('continuation-token')
  let after = ''
  if (token !== null) {
    after = Buffer.from(token, 'base64url').toString()
    if (!after.startsWith(prefix)) return { status: 400, body: error('InvalidArgument', 'The continuation token provided is incorrect') }
  }
  const rows = [] // [name, isPrefix]
  for (const key of keys.keys()) {
    if (!key.startsWith(prefix)) continue
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1
    const name = cut >= 0 ? key.slice(0, cut + delimiter.length) : key
    if (rows.length && rows.at(-1)[0] === name) continue
    if (name > after) rows.push([name, cut >= 0])
  }
  const page = rows.slice(0, maxKeys)
  const truncated = rows.length > maxKeys
  const parts = [`<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>`]
  if (token !== null) parts.push(`<ContinuationToken>${escapeXml(token)}</ContinuationToken>`)
  parts.push(`<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`)
  if (delimiter) parts.push(`<Delimiter>${escapeXml(delimiter)}</Delimiter>`)
  parts.push(`<IsTruncated>${truncated}</IsTruncated>`)
  if (truncated) parts.push(`<NextContinuationToken>${Buffer.from(page.at(-1)[0]).toString('base64url')}</NextContinuationToken>`)
  for (const [name, isPrefix] of page) {
    if (isPrefix) continue
    const o = keys.get(name)
    parts.push(`<Contents><Key>${escapeXml(name)}</Key><LastModified>${lastModified}</LastModified><ETag>&quot;${o.etag}&quot;</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
  }
  for (const [name, isPrefix] of page) if (isPrefix) parts.push(`<CommonPrefixes><Prefix>${escapeXml(name)}</Prefix></CommonPrefixes>`)
  return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</ListBucketResult>` }
}

function error(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
}

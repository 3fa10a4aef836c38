import { describe, expect, it } from 'vitest'
import { LOADER_API_VERSION } from '@spikes/core'
import { dandiLoader, parseDandiInput, safeFileName, sourceReference } from '../src/index.js'

const ID = 'bb61e86d-e28f-4da7-b07a-44dfa377cf32'

describe('parseDandiInput', () => {
  it('reads dandi:// paths, with or without a version', () => {
    expect(parseDandiInput('dandi://000006/draft/sub-anm369962/sub-anm369962_ses-20170310.nwb')).toEqual({ kind: 'path', dandisetId: '000006', version: 'draft', path: 'sub-anm369962/sub-anm369962_ses-20170310.nwb' })
    expect(parseDandiInput('dandi://000006/0.220126.1852/sub-1/x.nwb')).toEqual({ kind: 'path', dandisetId: '000006', version: '0.220126.1852', path: 'sub-1/x.nwb' })
    expect(parseDandiInput('dandi://000006/sub-1/x%20y.nwb')).toEqual({ kind: 'path', dandisetId: '000006', version: 'draft', path: 'sub-1/x y.nwb' })
  })

  it("reads asset ids, dandi://assets/<id> and SpikeLab's source_reference forms", () => {
    expect(parseDandiInput(ID)).toEqual({ kind: 'asset', assetId: ID })
    expect(parseDandiInput(ID.toUpperCase())).toEqual({ kind: 'asset', assetId: ID })
    expect(parseDandiInput(`dandi://assets/${ID}`)).toEqual({ kind: 'asset', assetId: ID })
    expect(parseDandiInput(`dandi://dandiarchive.org/assets/${ID}`)).toEqual({ kind: 'asset', assetId: ID })
    expect(parseDandiInput(sourceReference(ID, '000064', '0.230629.1955'))).toEqual({ kind: 'asset', assetId: ID, dandisetId: '000064', version: '0.230629.1955' })
  })

  it('reads API URLs (asset id and API base) and leaves other URLs as they are', () => {
    expect(parseDandiInput(`https://api.dandiarchive.org/api/assets/${ID}/download/`)).toEqual({ kind: 'asset', assetId: ID, apiBase: 'https://api.dandiarchive.org/api', downloadUrl: `https://api.dandiarchive.org/api/assets/${ID}/download/`, dandisetId: undefined, version: undefined })
    expect(parseDandiInput(`http://127.0.0.1:9/api/dandisets/000064/versions/draft/assets/${ID}/`)).toMatchObject({ kind: 'asset', assetId: ID, apiBase: 'http://127.0.0.1:9/api', dandisetId: '000064', version: 'draft' })
    expect(parseDandiInput('https://dandiarchive.s3.amazonaws.com/blobs/1a5/4a4/1a54a43e-f675-4603-9935-63ffbe0cb085')).toEqual({ kind: 'url', url: 'https://dandiarchive.s3.amazonaws.com/blobs/1a5/4a4/1a54a43e-f675-4603-9935-63ffbe0cb085', assetId: '1a54a43e-f675-4603-9935-63ffbe0cb085' })
  })

  it('rejects what it cannot read', () => {
    for (const bad of ['', 'hello', 'dandi://6/draft/x.nwb', 'dandi://000006/draft', 'dandi://000006/draft/../x.nwb', 'dandi://dandiarchive.org/nope', 42]) {
      expect(() => parseDandiInput(bad)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'asset' }))
    }
  })
})

describe('safeFileName', () => {
  it('keeps the last path segment and never a way out of the folder', () => {
    expect(safeFileName('sub-001/sub-001.nwb', ID)).toBe('sub-001.nwb')
    expect(safeFileName('../../etc/passwd', ID)).toBe('passwd')
    expect(safeFileName('a\\..\\..\\evil.nwb', ID)).toBe('evil.nwb')
    expect(safeFileName('sub/..', ID)).toBe(`${ID}.nwb`)
    expect(safeFileName('', ID)).toBe(`${ID}.nwb`)
    expect(safeFileName(undefined, '../x')).toBe('___x.nwb')
    expect(safeFileName('.hidden.nwb', ID)).toBe('hidden.nwb')
    expect(safeFileName('bad:name?.nwb', ID)).toBe('bad_name_.nwb')
    expect(safeFileName('CON.nwb', ID)).toBe('_CON.nwb')
    expect(safeFileName('x'.repeat(300) + '.nwb', ID)).toMatch(/^x{196}\.nwb$/)
  })
})

describe('the dandi loader descriptor', () => {
  it('answers dandi:// inputs only', async () => {
    expect(dandiLoader).toMatchObject({ apiVersion: LOADER_API_VERSION, id: 'dandi', input: 'remote', schemes: ['dandi'], packageName: '@spikes/format-dandi' })
    expect(await dandiLoader.detect({ kind: 'remote', name: 'x', url: 'dandi://000006/draft/x.nwb', scheme: 'dandi' })).toMatchObject({ confidence: 100 })
    expect(await dandiLoader.detect({ kind: 'remote', name: 'x', url: 'ibl://x', scheme: 'ibl' })).toMatchObject({ confidence: 0 })
  })

  it('validates options: SpikeLab names in lowerCamelCase', () => {
    expect(dandiLoader.parseOptions({ downloadDir: '/tmp/x' })).toMatchObject({ download: true, downloadDir: '/tmp/x', version: 'draft', verifyDigest: true, stallTimeoutMs: 600_000 })
    expect(dandiLoader.parseOptions({ allowNoUnits: true, lengthMs: 5, preferPynwb: true }).nwb).toEqual({ allowNoUnits: true, lengthMs: 5 })
    expect(() => dandiLoader.parseOptions({ dandisetId: '6' })).toThrow(expect.objectContaining({ argument: 'dandisetId' }))
    expect(() => dandiLoader.parseOptions({ requestTimeoutSeconds: 0 })).toThrow(expect.objectContaining({ argument: 'requestTimeoutSeconds' }))
    expect(() => dandiLoader.parseOptions({ downloadTimeoutSeconds: 'x' })).toThrow(expect.objectContaining({ argument: 'downloadTimeoutSeconds' }))
    const err = (() => {
      try {
        dandiLoader.parseOptions({ apiToken: 5 })
      } catch (e) {
        return e as Error
      }
    })()
    expect(err).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'apiToken' })
  })
})

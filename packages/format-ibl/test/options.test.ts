// The ibl and queryIblProbes option schemas: defaults derived from other options, null where it means something,
// nested bwm_units criteria, secrets kept out of errors.
import { describeOptions } from '@spikes/core/loader-utils'
import { describe, expect, it } from 'vitest'
import { alfLoader, alfOptions, BWM_DEFAULT_CRITERIA, checkQueryIblProbesOptions, DEFAULT_BWM_REVISION, DEFAULT_DATA_SERVER, DEFAULT_UNITS_TABLE, iblLoader, iblOptions, PUBLIC_ALYX_PASSWORD, PUBLIC_ALYX_USER, queryIblProbesOptions } from '../src/index.js'

const parse = (options: unknown) => iblLoader.parseOptions(options)

describe('ibl options', () => {
  it('fills the defaults: the BWM revision, the public server, user and release table, bwm_units criteria', () => {
    const o = parse({})
    expect(o).toMatchObject({ revision: DEFAULT_BWM_REVISION, dataServer: DEFAULT_DATA_SERVER, username: PUBLIC_ALYX_USER, password: PUBLIC_ALYX_PASSWORD, release: '2024_Q2_IBL_et_al_BWM', unitsTable: DEFAULT_UNITS_TABLE, trialsTable: undefined, bwmUnits: BWM_DEFAULT_CRITERIA, mode: 'remote', timeoutMs: 30_000, retries: 3 })
    expect(DEFAULT_BWM_REVISION).toBe('2024-05-06')
  })

  it('revision null means ONE\'s default dataset; a dotted revision is kept, # stripped', () => {
    expect(parse({ revision: null }).revision).toBeUndefined()
    expect(parse({ revision: '#2025-03-03.1#' }).revision).toBe('2025-03-03.1')
    expect(() => parse({ revision: '..' })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'revision' }))
  })

  it('the unit table follows the release unless given; trialsTable null turns the session criterion off', () => {
    expect(parse({ release: '2023_Q4_IBL_et_al_BWM_2' }).unitsTable).toBe('https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/2023_Q4_IBL_et_al_BWM_2/clusters.pqt')
    expect(parse({ release: 'x', unitsTable: '/tmp/u.pqt' }).unitsTable).toBe('/tmp/u.pqt')
    expect(parse({ trials_table: null }).trialsTable).toBeNull()
    expect(() => parse({ release: 'a/b' })).toThrow(expect.objectContaining({ argument: 'release' }))
  })

  it('bwm_units criteria: each one not given keeps its default, null turns it off, false turns all off', () => {
    expect(parse({ bwmUnits: { minErrors: null } }).bwmUnits).toEqual({ minQc: 1, minErrors: null, minUnitsSessions: [10, 2] })
    expect(parse({ bwm_units: { minQc: 2, minUnitsSessions: [5, 1] } }).bwmUnits).toEqual({ minQc: 2, minErrors: 3, minUnitsSessions: [5, 1] })
    expect(parse({ bwmUnits: false }).bwmUnits).toBe(false)
    expect(parse({ bwmUnits: null }).bwmUnits).toEqual(BWM_DEFAULT_CRITERIA)
    expect(() => parse({ bwmUnits: { minUnitsSessions: [10, 2, 1] } })).toThrow(expect.objectContaining({ argument: 'bwmUnits.minUnitsSessions' }))
    expect(() => parse({ bwmUnits: { minQc: -1 } })).toThrow(expect.objectContaining({ argument: 'bwmUnits.minQc', expected: 'a number >= 0, or null' }))
    expect(() => parse({ bwmUnits: { minErorrs: 3 } })).toThrow(expect.objectContaining({ argument: 'bwmUnits.minErorrs' }))
    expect(() => parse({ bwmUnits: true })).toThrow(expect.objectContaining({ argument: 'bwmUnits', expected: 'false or { minQc?, minErrors?, minUnitsSessions? }' }))
  })

  it('the password and the token never appear in an error', () => {
    const error = (() => {
      try {
        parse({ password: '' })
      } catch (e) {
        return e as { argument: string; received: unknown; message: string }
      }
    })()
    expect(error).toMatchObject({ argument: 'password', received: '<redacted>' })
    expect(() => parse({ token: 42 })).toThrow(expect.objectContaining({ argument: 'token', received: '<redacted>' }))
    expect(() => parse({ dataServer: 'ftp://x' })).toThrow(expect.objectContaining({ argument: 'dataServer' }))
  })

  it('queryIblProbes resolves its tables as the loader does', () => {
    expect(checkQueryIblProbesOptions({ release: 'r1', bwmUnits: { minQc: null } })).toMatchObject({ unitsTable: 'https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/r1/clusters.pqt', bwmUnits: { minQc: null, minErrors: 3, minUnitsSessions: [10, 2] }, minUnits: 0 })
    expect(() => checkQueryIblProbesOptions({ bwmUnits: { minErrors: 'three' } })).toThrow(expect.objectContaining({ argument: 'bwmUnits.minErrors' }))
    expect(() => checkQueryIblProbesOptions({ relaese: 'r1' })).toThrow(expect.objectContaining({ argument: 'relaese', suggestion: 'release' }))
  })

  it('every option of alf, ibl and queryIblProbes has a description', () => {
    for (const schema of [alfOptions, iblOptions, queryIblProbesOptions]) for (const row of describeOptions(schema)) expect(row.description, row.name).not.toBe('')
    expect(alfLoader.parseOptions({ revision: '#2024-05-06.2#' }).revision).toBe('2024-05-06.2')
  })
})

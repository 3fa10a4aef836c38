// Loader options as flags, read against the real ibl and alf schemas: a string option that gives null a
// meaning of its own takes `null` as null; for the others 'null' stays text.
import { LoaderRegistry } from '@spikes/core'
import { alfLoader, iblLoader } from '@spikes/format-ibl'
import { neuroscopeLoader } from '@spikes/format-neuroscope'
import { spikeinterfaceLoader } from '@spikes/format-spikeinterface'
import { describe, expect, it } from 'vitest'
import { extractLoaderFlags, loaderFlagCatalogue } from '../src/loader-flags.js'

const catalogue = loaderFlagCatalogue(new LoaderRegistry([alfLoader, iblLoader]))

describe('loader flags', () => {
  it('marks revision and trialsTable nullable (ibl gives null a meaning), collection not', () => {
    expect(catalogue.get('revision')).toEqual({ name: 'revision', type: 'string', formats: ['alf', 'ibl'], nullable: true })
    expect(catalogue.get('trialstable')).toMatchObject({ type: 'string', nullable: true })
    expect(catalogue.get('collection')).toMatchObject({ nullable: false })
  })

  it('reads --revision null as null, any other text as itself; JSON options as given', () => {
    expect(extractLoaderFlags(['x', '--revision', 'null', '--trials-table=null'], [], catalogue)).toEqual({ rest: ['x'], options: { revision: null, trialsTable: null } })
    expect(extractLoaderFlags(['--revision', '2024-05-06', '--collection', 'null'], [], catalogue).options).toEqual({ revision: '2024-05-06', collection: 'null' })
    expect(extractLoaderFlags(['--bwm_units', '{"minErrors": null}'], [], catalogue).options).toEqual({ bwmUnits: { minErrors: null } })
  })

  it('the ibl loader takes the flags as its options: revision null is ONE default, bwmUnits criteria resolved', () => {
    const { options } = extractLoaderFlags(['--revision', 'null', '--bwm-units', '{"minQc": 2}', '--release', 'r1'], [], catalogue)
    expect(iblLoader.parseOptions(options)).toMatchObject({ revision: undefined, bwmUnits: { minQc: 2, minErrors: 3, minUnitsSessions: [10, 2] }, unitsTable: 'https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/r1/clusters.pqt' })
  })

  it('reads a list option as comma-separated items (numbers for a number list) or as JSON', () => {
    const lists = loaderFlagCatalogue(new LoaderRegistry([alfLoader, neuroscopeLoader, spikeinterfaceLoader]))
    expect(extractLoaderFlags(['--shanks', '2'], [], lists).options).toEqual({ shanks: [2] })
    expect(extractLoaderFlags(['--shanks=1,3', '--cluster-ids', '[4, 5]'], [], lists).options).toEqual({ shanks: [1, 3], clusterIds: [4, 5] })
    // unitIds is a number or a list of ids: a lone number stays a number.
    expect(extractLoaderFlags(['--unitIds', '7'], [], lists).options).toEqual({ unitIds: 7 })
    expect(extractLoaderFlags(['--unitIds', 'a, b'], [], lists).options).toEqual({ unitIds: ['a', 'b'] })
    expect(neuroscopeLoader.parseOptions(extractLoaderFlags(['--shanks', '2,4'], [], lists).options)).toMatchObject({ shanks: [2, 4] })
  })

  it('takes a boolean flag alone as true, and true or false after it as its value', () => {
    const booleans = loaderFlagCatalogue(new LoaderRegistry([alfLoader, neuroscopeLoader]))
    expect(extractLoaderFlags(['dir', '--includeNoise', 'false', '--goodOnly'], [], booleans)).toEqual({ rest: ['dir'], options: { includeNoise: false, goodOnly: true } })
    expect(extractLoaderFlags(['--includeMua', 'true', 'dir'], [], booleans)).toEqual({ rest: ['dir'], options: { includeMua: true } })
    expect(extractLoaderFlags(['--includeMua', 'dir'], [], booleans)).toEqual({ rest: ['dir'], options: { includeMua: true } })
  })
})

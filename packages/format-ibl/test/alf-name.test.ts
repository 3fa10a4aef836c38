import { describe, expect, it } from 'vitest'
import { findSessionPath, parseAlfName, parseAlfPath, removeUuid, toAlfName } from '../src/index.js'

describe('ALF names', () => {
  it('parses object, attribute, namespace, timescale, extra and extension', () => {
    expect(parseAlfName('spikes.times.npy')).toEqual({ object: 'spikes', attribute: 'times', extra: [], extension: 'npy' })
    expect(parseAlfName('_ibl_trials.intervals.npy')).toEqual({ namespace: 'ibl', object: 'trials', attribute: 'intervals', extra: [], extension: 'npy' })
    expect(parseAlfName('_ibl_trials.stimOn_times.npy')).toMatchObject({ namespace: 'ibl', object: 'trials', attribute: 'stimOn_times' })
    expect(parseAlfName('spikes.times_ephysClock.npy')).toMatchObject({ attribute: 'times', timescale: 'ephysClock' })
    expect(parseAlfName('_ibl_trials.goCue_times_bpod.csv')).toMatchObject({ attribute: 'goCue_times', timescale: 'bpod', extension: 'csv' })
    expect(parseAlfName('_ibl_wheel.timestamps_bpod.raw.v12.npy')).toMatchObject({ object: 'wheel', attribute: 'timestamps', timescale: 'bpod', extra: ['raw', 'v12'], extension: 'npy' })
    expect(parseAlfName('spikes.times.0b305d2f-04dc-4ef1-be1c-db18931391ac.npy')?.extra).toEqual(['0b305d2f-04dc-4ef1-be1c-db18931391ac'])
    expect(parseAlfName('_ibl_trials.table.pqt')).toMatchObject({ object: 'trials', attribute: 'table', extension: 'pqt' })
  })

  it('rejects names that are not ALF', () => {
    expect(parseAlfName('spike_train.npy')).toBeUndefined()
    expect(parseAlfName('params.py')).toBeUndefined()
    expect(parseAlfName('README')).toBeUndefined()
  })

  it('round-trips with toAlfName', () => {
    for (const n of ['spikes.times.npy', '_ibl_trials.intervals.npy', '_ibl_wheel.timestamps_bpod.raw.v12.npy', 'trials.stimOn_times.npy']) expect(toAlfName(parseAlfName(n)!)).toBe(n)
  })

  it('parses collections and #revision# folders', () => {
    expect(parseAlfPath('alf/probe00/pykilosort/#2024-05-06#/spikes.times.npy')).toMatchObject({ collection: 'alf/probe00/pykilosort', revision: '2024-05-06', object: 'spikes', fileName: 'spikes.times.npy' })
    expect(parseAlfPath('spikes.clusters.npy')).toMatchObject({ collection: '', revision: '' })
    expect(parseAlfPath('alf/#v1#/x/spikes.times.npy')).toBeUndefined()
  })

  it('removes dataset UUIDs and finds session folders', () => {
    expect(removeUuid('_ibl_wheelMoves.peakAmplitude.0b305d2f-04dc-4ef1-be1c-db18931391ac.npy')).toBe('_ibl_wheelMoves.peakAmplitude.npy')
    const s = findSessionPath('/public/mainenlab/Subjects/ZFM-01935/2021-02-05/001/alf/_ibl_wheelMoves.peakAmplitude.npy')
    expect(s).toMatchObject({ lab: 'mainenlab', subject: 'ZFM-01935', date: '2021-02-05', number: '001', path: 'mainenlab/Subjects/ZFM-01935/2021-02-05/001', rest: 'alf/_ibl_wheelMoves.peakAmplitude.npy' })
    expect(findSessionPath('KS005/2019-04-01/001/alf/x.y.npy')).toMatchObject({ subject: 'KS005', path: 'KS005/2019-04-01/001' })
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { container, loadSpikeData, type SpikeData } from '@spikes/core'
import { registerNodeSources } from '@spikes/core/node'
import { filesOf, IN_CI, realdata, serveFolder, sharedAvailable, startFakeS3 } from '@spikes/testing'
import { registerRemote } from '@spikes/remote'
import { registerNwb } from '../src/index.js'

const c = container.createChildContainer()
registerNwb(c)
registerRemote(c)
registerNodeSources(c)
const STORE = realdata('nwb-zarr', 'hdmf-zarr-0.2.0-units', 'units_a.nwb.zarr')
const present = sharedAvailable(STORE)

// Expected values computed independently of hdmf-zarr and of this reader, by replaying make.py's seeded
// generator with numpy (/usr/bin/python3, numpy 1.24; PROVENANCE.md gives 12 units, 2,804 spikes):
//   rng = np.random.default_rng(1); for u in range(12): n = rng.integers(20, 400);
//   t = np.sort(rng.uniform(0, 600, n)); e = rng.integers(0, 8)  -> n, t[0] * 1000, t[-1] * 1000, e
const COUNTS = [199, 74, 262, 318, 357, 397, 260, 184, 93, 139, 230, 291]
const FIRST_LAST: [number, number][] = [
  [3494.7570647885673, 599415.5293943625],
  [11900.487281962136, 577909.030043841],
  [1234.105838771904, 595433.2578813962],
  [2237.617371832723, 599135.3343910225],
  [6588.510608316023, 599874.6861618535],
  [57.62433599740824, 598102.5149589491],
  [4633.66629374915, 597824.0901279469],
  [2800.9238632659803, 584418.0018205175],
  [2378.7611321274494, 579845.1002802396],
  [7600.304073408682, 595872.7669476708],
  [6110.678058379571, 596752.1819988862],
  [460.9409649792173, 597787.8554218666],
]
const ELECTRODES = [4, 4, 0, 0, 0, 7, 6, 5, 1, 6, 4, 3]

function check(sd: SpikeData): void {
  expect(sd.metadata.provenance).toMatchObject({ format: 'nwb' })
  expect(sd.N).toBe(12)
  expect(sd.times.length).toBe(2804)
  expect(sd.spikeCounts()).toEqual(COUNTS)
  const firstLast = Array.from({ length: 12 }, (_, i) => [sd.train(i)[0], sd.train(i).at(-1)])
  FIRST_LAST.forEach(([a, b], i) => {
    expect(firstLast[i][0], `unit ${i} first`).toBeCloseTo(a, 9)
    expect(firstLast[i][1], `unit ${i} last`).toBeCloseTo(b, 9)
  })
  expect(sd.neuronAttributes!.map((a) => a.electrode)).toEqual(ELECTRODES)
  expect(sd.neuronAttributes!.map((a) => a.quality)).toEqual(COUNTS.map((_, u) => (u % 3 ? 'good' : 'mua')))
  expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, location: [80, 0, 0], location_label: 'CA1', group_name: 'shank0' })
  expect(sd.metadata).toMatchObject({ format: 'NWB', nwb_storage: 'zarr', nwb_version: '2.6.0', identifier: 'zarr-1', subject_id: 'M1', species: 'Mus musculus', sex: 'F', age: 'P90D', device_names: ['probe'] })
  expect(String(sd.metadata.session_start_time)).toMatch(/^2024-03-05T10:30:00/)
  expect(sd.startTimeMs).toBe(0)
}

describe.runIf(present || IN_CI)('NWB stored as Zarr (hdmf-zarr 0.2.0, ../shared/realdata/nwb-zarr)', async () => {
  const files = present ? filesOf(STORE, 'units_a.nwb.zarr/') : {}
  const web = await serveFolder(files, 'nginx')
  const key = { accessKeyId: 'AKIDNWB', secretAccessKey: 'nwb-secret' }
  const s3 = await startFakeS3({ objects: Object.fromEntries(Object.entries(files).map(([k, v]) => [`lab/sessions/${k}`, v])), keys: [key], region: 'us-west-2' })
  afterAll(async () => Promise.all([web.close(), s3.close()]))

  it('a local store is detected as nwb and loads the Units table, electrodes and file metadata', async () => {
    check(await loadSpikeData(STORE, { container: c }))
  })

  it('over HTTP (a web server listing the store), reading no specification or acquisition chunk', async () => {
    check(await loadSpikeData(`${web.url}/units_a.nwb.zarr/`, { container: c }))
    const paths = web.requests.map((r) => r.path)
    expect(paths).toContain('/units_a.nwb.zarr/units/spike_times/0')
    // /specifications is listed once (to tell a group from an array); nothing below it is listed or read.
    expect(paths.filter((p) => p.includes('/specifications/'))).toEqual(['/units_a.nwb.zarr/specifications/'])
  })

  it('from S3', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey })
    try {
      check(await loadSpikeData('s3://lab/sessions/units_a.nwb.zarr/', { container: c }))
    } finally {
      process.env = saved
    }
  })
})

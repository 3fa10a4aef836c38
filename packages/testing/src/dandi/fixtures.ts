import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { makeNwb } from './make-nwb.mjs'

export const R = {
  spikeglx: realdata('nwb', 'nwb-guide-neuroconv-spikeglx', 'sub-001_ses-1.nwb'),
  rutishauser: realdata('nwb', 'matnwb-rutishauser-via-pynapple', 'sub-4_ses-4_ecephys+image.nwb'),
  pynapple: realdata('nwb', 'pynapple-phy', 'A8604-211122.nwb'),
  dandi9: realdata('nwb', 'dandi-000009-via-hdmf-zarr', 'sub_anm00239123_ses_20170627T093549_ecephys_and_ogen.nwb'),
  aqnwb: realdata('nwb', 'aqnwb-2.9.0', 'exampleRecording.nwb'),
  testES: realdata('nwb', 'dandi-nwb_test_data-v2.0.1', 'test_ElectricalSeries.nwb'),
  bidsAssets: realdata('dandi_api', 'bids-dandisets-000064-assets-dump', 'assets.json'),
  schemaDocs: realdata('dandi_api', 'dandi-schema-test-metadata'),
}

/** Real files present? Locally their absence skips; under CI it fails (the caller asserts). */
export const REAL = sharedAvailable(R.spikeglx) && sharedAvailable(R.bidsAssets)
export { IN_CI }

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}

export function schemaAssetDocs(): unknown[] {
  return readdirSync(R.schemaDocs)
    .filter((n) => /^asset.*\.json$/.test(n))
    .map((n) => readJson(join(R.schemaDocs, n)))
}

const FIXTURES = join(tmpdir(), 'spikes-dandi-test-fixtures-v1')

/** Generated NWB files (deterministic; written once per machine under the temp folder). */
export async function generated(name: 'medium' | 'chunked' | 'raw-cc' | 'units-only'): Promise<{ path: string; size: number; spikes: number; units: number }> {
  mkdirSync(FIXTURES, { recursive: true })
  const specs = {
    // ~20 MB: 32-channel raw traces before a Units table of 100k spikes (0.8 MB).
    medium: { units: 50, spikes: 100_000, channels: 32, rawSamples: 300_000, rawChunk: 30_000, seed: 3 },
    // spike_times chunked (many chunk reads: readahead matters), units before the raw data.
    chunked: { units: 20, spikes: 60_000, channels: 16, rawSamples: 120_000, rawChunk: 20_000, seed: 5, spikeChunk: 4096, order: 'units-first' },
    // raw traces with channel_conversion and an offset, for the Zarr export.
    'raw-cc': { units: 3, spikes: 300, channels: 6, rawSamples: 10_007, rawChunk: 3_000, rate: 1000, conversion: 2.5e-6, offset: 1e-4, channelConversion: true, seed: 7 },
    'units-only': { units: 5, spikes: 2000, channels: 4, rawSamples: 0, seed: 9 },
  } as const
  const path = join(FIXTURES, `${name}.nwb`)
  const spec = specs[name]
  if (!existsSync(path)) await makeNwb(path, spec)
  const { statSync } = await import('node:fs')
  return { path, size: statSync(path).size, spikes: spec.spikes, units: spec.units }
}

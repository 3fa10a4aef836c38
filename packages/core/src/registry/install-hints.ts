/** Which package provides each format id of this project, for install hints. */
export const KNOWN_FORMATS: Readonly<Record<string, string>> = {
  hdf5: '@spikes/format-hdf5',
  'hdf5-threshold': '@spikes/format-hdf5',
  nwb: '@spikes/format-nwb',
  kilosort: '@spikes/format-kilosort',
  pickle: '@spikes/format-pickle',
  'spikelab-npz': '@spikes/format-pickle',
  spikeinterface: '@spikes/format-spikeinterface',
  'spikeinterface-npz': '@spikes/format-spikeinterface',
  'spikeinterface-recording': '@spikes/format-spikeinterface',
  alf: '@spikes/format-ibl',
  ibl: '@spikes/format-ibl',
  dandi: '@spikes/format-dandi',
  'spikes-json': '@spikes/core',
}

/** The `npm i` command for the package that provides `formatId` (a placeholder for ids this project does not know). */
export function installHint(formatId: string): string {
  const pkg = KNOWN_FORMATS[formatId]
  return pkg ? `npm i ${pkg}` : `npm i <the package that provides '${formatId}'>`
}

/**
 * Formats people bring that no loader of this project reads (yet): detection names them and says what to
 * do, instead of "not recognised". One row per format; delete a row once a loader reads it. A row is
 * also ignored while any registered loader lists one of its extensions (that loader speaks for them).
 */
export interface UnsupportedFormat {
  /** Lower-case extensions without the dot. */
  readonly extensions: readonly string[]
  /** What the file is, completing "'x.csv' is ...". */
  readonly what: string
  /** What to do instead, as a sentence. */
  readonly advice: string
}

/** The known formats no loader of this project reads yet, with what to do instead (see {@link UnsupportedFormat}). */
export const UNSUPPORTED_FORMATS: readonly UnsupportedFormat[] = [
  {
    extensions: ['mat'],
    what: 'a MATLAB file, and no installed loader reads MATLAB files',
    advice:
      "CellExplorer's *.cellinfo.mat files load with @spikes/format-cellexplorer. For other MAT-files, export the sorted units as NWB (MatNWB), or save spike_times.npy and spike_clusters.npy in a folder and load that folder as KiloSort/Phy with the sampling rate.",
  },
  {
    extensions: ['csv', 'tsv'],
    what: 'a text table; CSV and TSV have no agreed layout for spike trains, so none is guessed',
    advice: 'Convert it to spike_times.npy and spike_clusters.npy (KiloSort/Phy layout) or to NWB; in code, build it with SpikeData.fromIdcesTimes(units, timesMs).',
  },
  {
    extensions: ['plx', 'pl2', 'nex', 'nex5'],
    what: 'a Plexon or NeuroExplorer file, and no installed loader reads it',
    advice: '.plx, .nex and .nex5 files load with @spikes/format-plexon. PL2 is not read yet: export the sorted units as .plx, or as NWB (Neo reads Plexon and writes NWB), then load that file.',
  },
  {
    extensions: ['nev', 'ns1', 'ns2', 'ns3', 'ns4', 'ns5', 'ns6', 'nsx'],
    what: 'a Blackrock file (or Neuralynx events), which is not supported yet',
    advice: 'Export the sorted units as NWB (Neo reads Blackrock and writes NWB), then load the .nwb file.',
  },
  {
    extensions: ['ncs', 'nse', 'ntt', 'nst', 'nvt'],
    what: 'a Neuralynx file, which is not supported yet',
    advice: 'Export the sorted units as NWB (Neo reads Neuralynx and writes NWB), then load the .nwb file.',
  },
]

/** The row for `extension`, unless a registered loader lists that extension (`claimed`). */
export function unsupportedFormat(extension: string, claimed: ReadonlySet<string>): UnsupportedFormat | undefined {
  const ext = extension.toLowerCase()
  if (!ext || claimed.has(ext)) return undefined
  return UNSUPPORTED_FORMATS.find((f) => f.extensions.includes(ext))
}

import { CorruptFileError, InvalidSourceError, readExactly, UnsupportedError, type ByteSource, type LoadContext, type RemoteSource, type SpikeData } from '@spikes/core'
import type { ResolvedPlexonOptions } from '../options.js'
import { NEX_MAGIC, NEX5_MAGIC, PLX_MAGIC } from '../plexon-loader.js'
import { loadNex } from './load-nex.js'
import { loadPlx } from './load-plx.js'
import { viewOf } from './text.js'

/** Reads the magic number and hands the file to the .plx or the NeuroExplorer reader. */
export async function loadPlexon(source: ByteSource | RemoteSource, options: ResolvedPlexonOptions, context: LoadContext): Promise<SpikeData> {
  if (source.type !== 'file') throw new InvalidSourceError(`The plexon loader reads a file, but '${source.name}' is a ${source.type}.`, { formatId: 'plexon', expected: 'file', got: source.type })
  const size = await source.size()
  if (size < 4) throw new CorruptFileError(`${source.name} is ${size} bytes long; a .plx, .nex or .nex5 file starts with a 4-byte magic number and a header.`, { file: source.name, size })
  const magic = viewOf(await readExactly(source, 0, 4)).getUint32(0, true)
  if (magic === PLX_MAGIC) return loadPlx(source, size, options, context)
  if (magic === NEX_MAGIC) return loadNex(source, size, 'nex', context)
  if (magic === NEX5_MAGIC) return loadNex(source, size, 'nex5', context)
  throw new UnsupportedError('plexon-magic', `${source.name} does not start with the magic number of a .plx ('PLEX'), .nex ('NEX1') or .nex5 ('NEX5') file; it is not a Plexon or NeuroExplorer data file.`, { file: source.name, magic })
}

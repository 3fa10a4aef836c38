import { InvalidArgumentError, SpikeData, type LoadContext, type RawData } from '@spikes/core'
import { normalizePath, type Hdf5File } from '@spikes/hdf5'
import { checkUnits, layoutOf, type Layout, type ResolvedHdf5Options } from '../options.js'
import { detectLayout } from './detect-layout.js'
import { readFileTimeAttrs } from './file-attrs.js'
import { inferredLength } from './length.js'
import { readGroup } from './read-group.js'
import { readPaired } from './read-paired.js'
import { readRagged } from './read-ragged.js'
import { rasterLength, readRaster } from './read-raster.js'
import { readRawData, readRawTime } from './read-raw.js'

/** Everything after opening: pick the layout, read file attributes, raw data, then the spikes. */
export function loadFromFile(file: Hdf5File, opts: ResolvedHdf5Options, sourceFile: string, context: LoadContext): SpikeData {
  const layout = layoutOf(opts) ?? applyDetected(file, opts, context)
  if (opts.raw && !opts.raw.time && (layout === 'ragged' || layout === 'group')) {
    throw new InvalidArgumentError('rawTimeDataset', undefined, `a raw time dataset: with the ${layout === 'ragged' ? 'ragged' : 'group-per-unit'} layout, rawDataset needs rawTimeDataset (both or neither)`)
  }
  const { startTimeMs, lengthMs: fileLengthMs } = readFileTimeAttrs(file)
  const nonRasterLength = opts.lengthMs ?? fileLengthMs
  const metadata: Record<string, unknown> = { ...opts.metadata }
  if (!('source_file' in metadata)) metadata.source_file = sourceFile

  // SpikeLab reads the raw arrays before the spikes.
  let rawData: RawData | undefined
  let rawTimeMs: Float64Array | undefined
  if (opts.raw) {
    rawData = readRawData(file, opts.raw.dataset, context)
    if (opts.raw.time) rawTimeMs = readRawTime(file, opts.raw.time, opts.raw.unit, opts.fsHz, rawData.shape[1], context)
  }
  const raw = rawData && rawTimeMs ? { rawData, rawTimeMs } : {}
  const warnDroppedRaw = () => {
    if (rawData && !rawTimeMs) {
      context.warn('SPIKES_WARN_RAW_WITHOUT_TIME', 'raw_data was provided but raw_time is None — raw data will not be attached to the SpikeData. Pass rawTimeDataset to attach it.', { rawDataset: opts.raw?.dataset })
    }
  }

  switch (layout) {
    case 'raster': {
      const spec = opts.raster!
      const ds = file.dataset(spec.dataset)
      const bins = ds.shape?.length === 2 ? ds.shape[1] : 0
      const computed = rasterLength(bins, spec.binMs!)
      if (ds.shape?.length === 2 && opts.lengthMs !== undefined && opts.lengthMs !== computed) {
        context.warn('SPIKES_WARN_LENGTH_IGNORED', `lengthMs=${opts.lengthMs} ignored for raster style; length is derived from raster.shape[1] * raster_bin_size_ms = ${computed}.`, { lengthMs: opts.lengthMs, derived: computed })
      }
      const sd = readRaster(file, spec.dataset, spec.binMs!, { startTimeMs, lengthMs: computed, metadata, ...raw }, context)
      warnDroppedRaw()
      return sd
    }
    case 'ragged':
    case 'group': {
      const trains = layout === 'ragged' ? readRagged(file, opts.ragged!, opts.fsHz, context) : readGroup(file, opts.group!, opts.fsHz, context)
      const lengthMs = nonRasterLength ?? Math.max(0, inferredLength(trains.times, startTimeMs))
      return new SpikeData({ times: trains.times, offsets: trains.offsets, lengthMs, startTimeMs, metadata, ...raw })
    }
    case 'paired': {
      const sd = readPaired(file, opts.paired!, opts.fsHz, { lengthMs: nonRasterLength, startTimeMs, metadata, ...raw }, context)
      warnDroppedRaw()
      return sd
    }
  }
}

/** No layout option: inspect the file, adopt the one layout found, and say so in a warning. */
function applyDetected(file: Hdf5File, opts: ResolvedHdf5Options, context: LoadContext): Layout {
  const exclude = new Set([opts.raw?.dataset, opts.raw?.time].filter((p): p is string => !!p).map(normalizePath))
  const c = detectLayout(file, exclude)
  const o = c.options
  const units = opts.explicitUnits
  const notes: string[] = []
  const unitNote = (explicit: string | undefined, found: string | undefined) => {
    if (!explicit && found) notes.push(`time unit '${found}' from the dataset's unit attribute`)
  }
  switch (c.layout) {
    case 'raster': {
      const binMs = opts.rasterBinSizeMs ?? c.binMs
      if (binMs === undefined) {
        throw new InvalidArgumentError('rasterBinSizeMs', undefined, `the bin width in ms of ${o.rasterDataset} (auto-detected as a raster; the file stores no bin size attribute)`)
      }
      if (opts.rasterBinSizeMs === undefined) notes.push(`bin size ${binMs} ms from a file attribute`)
      opts.raster = { dataset: String(o.rasterDataset), binMs }
      break
    }
    case 'ragged':
      unitNote(units.spikeTimesUnit, c.unit)
      opts.ragged = { times: String(o.spikeTimesDataset), index: String(o.spikeTimesIndexDataset), unit: units.spikeTimesUnit ?? c.unit ?? 's' }
      break
    case 'group':
      unitNote(units.groupTimeUnit, c.unit)
      opts.group = { group: String(o.groupPerUnit), unit: units.groupTimeUnit ?? c.unit ?? 's' }
      break
    case 'paired':
      unitNote(units.timesUnit, c.unit)
      opts.paired = { idces: String(o.idcesDataset), times: String(o.timesDataset), unit: units.timesUnit ?? c.unit ?? 's' }
      break
  }
  checkUnits(opts)
  const chosen = Object.entries(o)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')
  context.warn(
    'SPIKES_WARN_LAYOUT_DETECTED',
    `No layout option was given; using the ${c.layout} layout: ${c.reason}${notes.length ? `; ${notes.join('; ')}` : ''}. Pass { ${chosen} } to make this explicit.`,
    { layout: c.layout, options: o },
  )
  return c.layout
}


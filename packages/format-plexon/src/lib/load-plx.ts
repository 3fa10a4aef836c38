import { SpikeData, type ByteSource, type LoadContext } from '@spikes/core'
import { spacing, vouchSortedTrains } from '@spikes/core/loader-utils'
import type { ResolvedPlexonOptions } from '../options.js'
import { scanPlxBlocks } from './plx-blocks.js'
import { readPlxHeader } from './plx-header.js'

/** Unit letters as Plexon names them: 1 → a, 2 → b, ...; 0 is the unsorted unit. */
function unitLetter(unit: number): string {
  if (unit === 0) return 'U'
  return unit >= 1 && unit <= 26 ? String.fromCharCode(96 + unit) : `#${unit}`
}

/** A .plx file: one unit per (channel, unit) with spikes, ordered by channel then unit. */
export async function loadPlx(source: ByteSource, size: number, options: ResolvedPlexonOptions, context: LoadContext): Promise<SpikeData> {
  const header = await readPlxHeader(source, size)
  const scan = await scanPlxBlocks(source, size, header.dataStart, context)
  const names = new Map(header.spikeChannels.map((c) => [c.channel, c.name]))
  const order = scan.slots
    .map((s, slot) => ({ ...s, slot }))
    .filter((s) => options.includeUnsorted || s.unit !== 0)
    .sort((a, b) => a.channel - b.channel || a.unit - b.unit)
  const { times, offsets } = scan.collector.build(order.map((s) => s.slot), header.frequency)
  if (scan.collector.sorted) vouchSortedTrains(times)
  const neuronAttributes = order.map((s, i) => {
    const channelName = names.get(s.channel) ?? `sig${String(s.channel).padStart(3, '0')}`
    return {
      unit_id: i,
      name: `${channelName}${unitLetter(s.unit)}`,
      channel: s.channel,
      channel_name: channelName,
      electrode: s.channel,
      plexon_unit: s.unit,
      sorted: s.unit !== 0,
      label: s.unit === 0 ? 'unsorted' : 'sorted',
    }
  })
  const lastSpikeMs = (scan.lastTicks / header.frequency) * 1e3
  const headerEndMs = Number.isFinite(header.lastTimestamp) && header.lastTimestamp > 0 ? (header.lastTimestamp / header.frequency) * 1e3 : 0
  const lengthMs = times.length === 0 ? headerEndMs : Math.max(headerEndMs, lastSpikeMs + spacing(lastSpikeMs))
  const metadata = {
    source_file: source.path ?? source.url ?? source.name,
    format: 'Plexon PLX',
    fs_Hz: header.frequency,
    plx_version: header.version,
    comment: header.comment,
    recording_date: header.date,
    waveform_frequency_Hz: header.waveformFrequency,
    points_per_waveform: header.pointsPerWave,
    points_pre_threshold: header.pointsPreThreshold,
    channel_names: header.spikeChannels.map((c) => c.name),
    event_channel_names: header.eventChannels,
    slow_channel_names: header.slowChannels,
    event_count: scan.eventCount,
    last_timestamp_ticks: header.lastTimestamp,
    ...(header.trodalness !== undefined ? { trodalness: header.trodalness } : {}),
    ...(header.acquiringSoftware !== undefined ? { acquiring_software: header.acquiringSoftware, processing_software: header.processingSoftware } : {}),
  }
  return new SpikeData({ times, offsets, lengthMs, startTimeMs: 0, metadata, neuronAttributes })
}

import type { ChannelLocator } from './channels.js'
import type { UnitChannel } from './channel-mapping.js'
import type { ClusterTables } from './cluster-tables.js'

/**
 * One unit's neuron attributes: unit_id, electrode and location (from the channel evidence), the
 * evidence's name (electrode_source), KiloSort 4's median spike position, the label, and every other
 * column of the cluster tables under its own name.
 */
export function unitAttributes(id: number, channel: UnitChannel | undefined, locator: ChannelLocator, tables: ClusterTables): Record<string, unknown> {
  const attr: Record<string, unknown> = { unit_id: id }
  if (channel) {
    attr.electrode = channel.channel
    const location = locator.location(channel.channel)
    if (location) attr.location = location
    attr.electrode_source = channel.source
    if (channel.medianPosition) attr.median_spike_position = channel.medianPosition
  }
  const label = tables.labels.get(id)
  if (label !== undefined) attr.label = label
  const extra = tables.attributes.get(id)
  if (extra) for (const [k, v] of Object.entries(extra)) if (!(k in attr)) attr[k] = v
  return attr
}

/** How many units took their electrode from each kind of evidence (metadata.electrode_sources). */
export function electrodeSources(channels: Map<number, UnitChannel>, keptIds: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const id of keptIds) {
    const source = channels.get(id)?.source ?? 'none'
    out[source] = (out[source] ?? 0) + 1
  }
  return out
}

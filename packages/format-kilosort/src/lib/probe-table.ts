import type { PositionsTable } from './channels.js'

/**
 * The whole probe as `electrodes_by_channel` ({ channel id: { x, y[, z] } }, the key the NWB and IBL loaders
 * use), so that an NWB export holds every channel of channel_positions, not only those units sit on.
 * Row r is channel channel_map[r] (r without a channel map); undefined when the two disagree in length.
 */
export function probeTable(channelMap: ArrayLike<number> | undefined, positions: PositionsTable | undefined): Record<string, Record<string, number>> | undefined {
  if (!positions || positions.rows === 0 || positions.cols < 2 || positions.cols > 3) return undefined
  if (channelMap && channelMap.length !== positions.rows) return undefined
  const table: Record<string, Record<string, number>> = {}
  for (let r = 0; r < positions.rows; r++) {
    const id = channelMap ? Math.trunc(channelMap[r]) : r
    if (!Number.isFinite(id) || String(id) in table) return undefined
    const row: Record<string, number> = { x: positions.data[r * positions.cols], y: positions.data[r * positions.cols + 1] }
    if (positions.cols === 3) row.z = positions.data[r * positions.cols + 2]
    table[String(id)] = row
  }
  return table
}

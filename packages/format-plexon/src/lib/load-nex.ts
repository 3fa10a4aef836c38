import { SpikeData, type ByteSource, type LoadContext } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { checkNeuronExtents, NEURON, readNexHeader, readNeuronTimes, type NexVariable } from './nex.js'

const TYPE_NAMES = ['neuron', 'event', 'interval', 'waveform', 'population vector', 'continuous', 'marker']

function neuronAttributes(v: NexVariable, index: number): Record<string, unknown> {
  const attrs: Record<string, unknown> = { unit_id: index, name: v.name, nex_variable_version: v.version }
  if (v.wire !== undefined && v.wire > 0) attrs.electrode = v.wire
  if (v.wire !== undefined) attrs.nex_wire = v.wire
  if (v.unit !== undefined) attrs.nex_unit = v.unit
  // NeuroExplorer's display position (0-100 on each axis), not a place in µm: kept apart from `location`.
  if (v.xPos !== undefined && v.yPos !== undefined && (v.xPos !== 0 || v.yPos !== 0)) attrs.nex_position = [v.xPos, v.yPos]
  return attrs
}

/** A NeuroExplorer file: one unit per neuron variable, in the file's variable order. */
export async function loadNex(source: ByteSource, size: number, kind: 'nex' | 'nex5', context: LoadContext): Promise<SpikeData> {
  const header = await readNexHeader(source, size, kind)
  const neurons = header.variables.filter((v) => v.type === NEURON)
  checkNeuronExtents(neurons, size, source.name)
  const offsets = new Float64Array(neurons.length + 1)
  neurons.forEach((v, i) => (offsets[i + 1] = offsets[i] + v.count))
  const times = new Float64Array(offsets[neurons.length])
  for (let i = 0; i < neurons.length; i++) {
    context.progress({ phase: 'neurons', loaded: i, total: neurons.length, unit: 'units' })
    await readNeuronTimes(source, neurons[i], header.frequency, times, offsets[i], context)
  }
  let last = -Infinity
  for (let i = 0; i < times.length; i++) if (times[i] > last) last = times[i]
  const endMs = (header.endTicks / header.frequency) * 1e3
  const lengthMs = times.length === 0 ? Math.max(0, endMs) : Math.max(endMs, last + spacing(last))
  const metadata = {
    source_file: source.path ?? source.url ?? source.name,
    format: kind === 'nex' ? 'NeuroExplorer NEX1' : 'NeuroExplorer NEX5',
    fs_Hz: header.frequency,
    nex_version: header.version,
    comment: header.comment,
    beg_ticks: header.begTicks,
    end_ticks: header.endTicks,
    variable_names: header.variables.map((v) => v.name),
    variable_types: header.variables.map((v) => TYPE_NAMES[v.type] ?? `type ${v.type}`),
  }
  return new SpikeData({ times, offsets, lengthMs, startTimeMs: 0, metadata, neuronAttributes: neurons.map(neuronAttributes) })
}

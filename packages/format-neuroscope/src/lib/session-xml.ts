import { child, childrenNamed, parseXml, type XmlElement } from './xml.js'

/** What a Neurosuite session .xml (ndManager's parameter file) says about the recording. */
export interface SessionXml {
  /** Wide-band sampling rate (acquisitionSystem/samplingRate): the unit of the .res times. */
  samplingRate?: number
  /** File-level facts for metadata (snake_case keys). */
  facts: Record<string, unknown>
  /** Channels of each spike group (spikeDetection/channelGroups/group), shank 1 first. */
  spikeGroups: number[][]
  /** units/unit records by `${group}_${cluster}`: structure, type, isolationDistance, quality, notes. */
  units: Map<string, Record<string, string>>
}

const UNIT_FIELDS: Record<string, string> = { structure: 'structure', type: 'cell_type', isolationDistance: 'isolation_distance', quality: 'quality', notes: 'notes' }

export function readSessionXml(text: string, file: string): SessionXml {
  const root = parseXml(text, file)
  const number = (e: XmlElement | undefined) => (e && e.text !== '' && Number.isFinite(Number(e.text)) ? Number(e.text) : undefined)
  const acquisition = child(root, 'acquisitionSystem')
  const rate = number(child(acquisition, 'samplingRate'))
  const facts: Record<string, unknown> = {
    xml_file: file,
    xml_version: root.attributes.version,
    xml_creator: root.attributes.creator,
    date: child(root, 'generalInfo', 'date')?.text || undefined,
    experimenters: child(root, 'generalInfo', 'experimenters')?.text || undefined,
    description: child(root, 'generalInfo', 'description')?.text || undefined,
    n_channels: number(child(acquisition, 'nChannels')),
    n_bits: number(child(acquisition, 'nBits')),
    voltage_range: number(child(acquisition, 'voltageRange')),
    amplification: number(child(acquisition, 'amplification')),
    lfp_sampling_rate: number(child(root, 'fieldPotentials', 'lfpSamplingRate')),
  }
  for (const key of Object.keys(facts)) if (facts[key] === undefined) delete facts[key]
  const channelsOf = (group: XmlElement, container?: string) => childrenNamed(container ? child(group, container) : group, 'channel').map((c) => Number(c.text)).filter(Number.isFinite)
  const anatomical = childrenNamed(child(root, 'anatomicalDescription', 'channelGroups'), 'group').map((g) => channelsOf(g))
  const spikeGroups = childrenNamed(child(root, 'spikeDetection', 'channelGroups'), 'group').map((g) => channelsOf(g, 'channels'))
  if (anatomical.length > 0) facts.anatomical_groups = anatomical
  if (spikeGroups.length > 0) facts.spike_groups = spikeGroups
  const units = new Map<string, Record<string, string>>()
  for (const unit of childrenNamed(child(root, 'units'), 'unit')) {
    const group = number(child(unit, 'group'))
    const cluster = number(child(unit, 'cluster'))
    if (group === undefined || cluster === undefined) continue
    const record: Record<string, string> = {}
    for (const [field, key] of Object.entries(UNIT_FIELDS)) {
      const value = child(unit, field)?.text
      if (value && value !== '--') record[key] = value
    }
    units.set(`${group}_${cluster}`, record)
  }
  return { samplingRate: rate !== undefined && rate > 0 ? rate : undefined, facts, spikeGroups, units }
}

import { CorruptFileError } from '@spikes/core'

/** One entry of structure.oebin's `spikes` list (0.6+: `folder`; 0.5: `folder_name`). */
export interface OebinSpikes {
  readonly name: string
  readonly folder: string
  readonly sampleRate?: number
  readonly attributes: Record<string, unknown>
}

/** What structure.oebin says: the GUI version and the spike entries. */
export interface Oebin {
  readonly guiVersion?: string
  readonly spikes: OebinSpikes[]
  readonly streams: { name: string; sampleRate?: number; channels?: number }[]
}

export function parseOebin(text: string, file: string): Oebin {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new CorruptFileError(`${file} is not JSON (${(error as Error).message}); structure.oebin describes the recording's streams.`, { file }, { cause: error })
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CorruptFileError(`${file} is not a JSON object.`, { file })
  const root = json as Record<string, unknown>
  const list = (key: string) => (Array.isArray(root[key]) ? (root[key] as unknown[]).filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e)) : [])
  const spikes: OebinSpikes[] = []
  for (const entry of list('spikes')) {
    const folder = text_(entry.folder) ?? text_(entry.folder_name)
    if (folder === undefined) continue
    const clean = folder.replace(/\/+$/, '')
    const attributes: Record<string, unknown> = { spike_folder: clean }
    const channels = Array.isArray(entry.source_channels) ? entry.source_channels.map((c) => text_((c as { name?: unknown } | null)?.name)).filter((c) => c !== undefined) : []
    if (channels.length > 0) attributes.channels = channels
    for (const [from, to] of [['stream_name', 'stream_name'], ['source_processor_id', 'source_processor_id'], ['source_processor', 'source_processor'], ['identifier', 'identifier']] as const) {
      if (entry[from] !== undefined && typeof entry[from] !== 'object') attributes[to] = entry[from]
    }
    const rate = entry.sample_rate
    spikes.push({ name: text_(entry.name) ?? clean.split('/').pop()!, folder: clean, sampleRate: typeof rate === 'number' && rate > 0 && Number.isFinite(rate) ? rate : undefined, attributes })
  }
  const streams = list('continuous').map((c) => ({
    name: text_(c.stream_name) ?? text_(c.folder_name) ?? '',
    sampleRate: typeof c.sample_rate === 'number' ? c.sample_rate : undefined,
    channels: typeof c.num_channels === 'number' ? c.num_channels : undefined,
  }))
  return { guiVersion: text_(root['GUI version']), spikes, streams }
}

function text_(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The software start time and each stream's first sample number, from a Binary recording's sync_messages.txt
 * (0.5 and 0.6+ wordings) or a legacy folder's messages.events, whose lines lead with the value
 * ('251635, Start Time for File Reader (100) - example_data @ 40000 Hz').
 */
export function parseSyncMessages(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const starts: Record<string, number> = {}
  for (const line of text.split(/\r?\n/)) {
    const software = /^Software Time.*?:\s*(\d+)/i.exec(line) ?? /^(\d+),\s*Software Time/i.exec(line)
    if (software) out.software_start_time_ms = Number(software[1])
    const modern = /^Start Time for (.+?) @ [\d.]+ Hz:\s*(-?\d+)/.exec(line)
    if (modern) starts[modern[1]] = Number(modern[2])
    const leading = /^(-?\d+),\s*Start Time for (.+?) @ [\d.]+ Hz\s*$/.exec(line)
    if (leading) starts[leading[2]] = Number(leading[1])
    const old = /Processor: (.+?) start time: (-?\d+)@/.exec(line)
    if (old) starts[old[1]] = Number(old[2])
  }
  if (Object.keys(starts).length > 0) out.first_sample = starts
  return out
}

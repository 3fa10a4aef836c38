import { InvalidArgumentError, InvalidDataError, isSpikesError, readText, SpikeData, type FolderSource, type LoadContext } from '@spikes/core'
import type { ResolvedNeuroscopeOptions } from '../options.js'
import { readIntegerLines } from './integer-lines.js'
import { readSessionXml, type SessionXml } from './session-xml.js'
import { findSession } from './shank-files.js'
import { countClusters, type ShankUnits } from './shank-units.js'

const MAX_XML_BYTES = 16 * 1024 * 1024
const NOISE = 0
const MUA = 1

export async function loadNeuroscope(folder: FolderSource, opts: ResolvedNeuroscopeOptions, context: LoadContext): Promise<SpikeData> {
  const folderName = folder.path ?? folder.name
  const { session, shanks } = await findSession(folder, folderName, opts, context)
  const xml = await readXml(folder, `${session}.xml`, opts.fsHz !== undefined, context)
  const fsHz = samplingRate(opts.fsHz, xml, session, context)

  const keep = (cluster: number) => (cluster === NOISE ? opts.includeNoise : cluster === MUA ? opts.includeMua : true)
  const perShank: ShankUnits[] = []
  const clusterCounts: Record<string, number> = {}
  for (const shank of shanks) {
    const cluFile = `${session}.clu.${shank}`
    const resFile = `${session}.res.${shank}`
    const clu = await readFile(folder, cluFile, context.signal)
    if (clu.length === 0) throw new InvalidDataError(`${cluFile} is empty; its first line must be the number of clusters.`, { file: cluFile, shank })
    const res = await readFile(folder, resFile, context.signal)
    const ids = clu.subarray(1)
    if (ids.length !== res.length) {
      throw new InvalidDataError(`${resFile} holds ${res.length} spike times but ${cluFile} ${ids.length} cluster ids (after its first line, the cluster count). Both list the same spikes, line by line.`, {
        shank,
        res: res.length,
        clu: ids.length,
        resFile,
        cluFile,
      })
    }
    clusterCounts[String(shank)] = clu[0]
    perShank.push(countClusters(shank, res, ids, keep))
    context.progress({ phase: 'shanks', loaded: perShank.length, total: shanks.length, unit: 'units' })
  }

  const total = perShank.reduce((n, s) => n + s.kept, 0)
  const times = new Float64Array(total)
  const offsets: number[] = [0]
  const neuronAttributes: Record<string, unknown>[] = []
  for (const shank of perShank) {
    const cursor: number[] = []
    for (let u = 0; u < shank.clusters.length; u++) {
      cursor.push(offsets[offsets.length - 1])
      offsets.push(offsets[offsets.length - 1] + shank.counts[u])
      neuronAttributes.push(unitAttributes(shank.shank, shank.clusters[u], xml))
    }
    const { res, ids, slotOf } = shank
    for (let k = 0; k < res.length; k++) {
      const slot = slotOf(ids[k])
      if (slot >= 0) times[cursor[slot]++] = (res[k] / fsHz) * 1e3
    }
  }
  const metadata: Record<string, unknown> = {
    source_folder: folderName,
    source_format: 'Neuroscope',
    session,
    shanks,
    fs_Hz: fsHz,
    n_clusters_header: clusterCounts,
    ...(xml?.facts ?? {}),
  }
  return new SpikeData({ times, offsets, lengthMs: opts.lengthMs, neuronAttributes, metadata })
}

async function readFile(folder: FolderSource, file: string, signal?: AbortSignal): Promise<Float64Array> {
  const source = await folder.open(file)
  try {
    return await readIntegerLines(source, file, signal)
  } finally {
    await source.close()
  }
}

async function readXml(folder: FolderSource, file: string, rateGiven: boolean, context: LoadContext): Promise<SessionXml | undefined> {
  if (!(await folder.exists(file))) return undefined
  try {
    const source = await folder.open(file)
    try {
      return readSessionXml(await readText(source, MAX_XML_BYTES), file)
    } finally {
      await source.close()
    }
  } catch (error) {
    if (!isSpikesError(error) || !rateGiven) throw error
    context.warn('SPIKES_WARN_XML', `${file} could not be read (${error.message}); loading without it, at fsHz.`, { file, code: error.code })
    return undefined
  }
}

function samplingRate(option: number | undefined, xml: SessionXml | undefined, session: string, context: LoadContext): number {
  const fromXml = xml?.samplingRate
  if (option !== undefined) {
    if (fromXml !== undefined && fromXml !== option) {
      context.warn('SPIKES_WARN_SAMPLE_RATE_MISMATCH', `fsHz = ${option} differs from ${session}.xml's samplingRate = ${fromXml}; using fsHz.`, { fsHz: option, sampleRate: fromXml })
    }
    return option
  }
  if (fromXml !== undefined) return fromXml
  const why = xml ? `${session}.xml has no acquisitionSystem/samplingRate` : `the folder has no ${session}.xml`
  throw new InvalidArgumentError('fsHz', option, `a positive sampling rate in Hz: .res files hold sample numbers and ${why}`)
}

function unitAttributes(shank: number, cluster: number, xml: SessionXml | undefined): Record<string, unknown> {
  const attr: Record<string, unknown> = { unit_id: `${shank}_${cluster}`, shank, cluster }
  if (cluster === NOISE) attr.quality = 'noise'
  else if (cluster === MUA) attr.quality = 'mua'
  const channels = xml?.spikeGroups[shank - 1]
  if (channels) attr.channels = channels
  const described = xml?.units.get(`${shank}_${cluster}`)
  if (described) Object.assign(attr, described)
  return attr
}

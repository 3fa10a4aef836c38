import { LoaderRegistry, UnknownFormatError, type DependencyContainer } from '@spikes/core'
import { urlScheme } from '@spikes/core/loader-utils'
import { directorySource } from '@spikes/core/node'
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

/**
 * A local file nothing recognised that is one file of a folder format (`spike_times.npy`, a Klusters `.res.1`, an
 * Open Ephys `.spikes`): the error points to the folder that holds it, when a folder loader recognises that folder.
 */
export async function parentFolderHint(error: unknown, input: string, container: DependencyContainer): Promise<unknown> {
  if (!(error instanceof UnknownFormatError) || urlScheme(input)) return error
  if (!(await stat(input).catch(() => undefined))?.isFile()) return error
  const parent = dirname(input)
  const folder = await directorySource(parent).catch(() => undefined)
  if (!folder) return error
  try {
    const { loader } = await container.resolve(LoaderRegistry).select(folder)
    if (loader.input !== 'folder') return error
    const { probeSummary, triedLoaders } = error.details as { probeSummary: string; triedLoaders: string[] }
    return new UnknownFormatError(`${probeSummary}: it is one file of a folder recording (${loader.name})`, triedLoaders, {
      hints: [{ kind: 'input', input: parent, why: `instead: the folder that holds ${basename(input)} (${loader.id})` }],
      details: { folder: parent, folderFormat: loader.id },
      listTried: false,
    })
  } catch {
    return error
  } finally {
    await folder.close().catch(() => {})
  }
}

import type { TransferStats } from '../sources/source.js'
import type { WarningCollector } from '../warnings.js'

/** `SPIKES_WARN_RANGE_IGNORED`: the server sent whole files where a Range request asked for a part. */
export function warnRangeIgnored(collector: WarningCollector, name: string, stats: TransferStats): void {
  const files = stats.wholeFiles === 1 ? 'the whole file' : `${stats.wholeFiles} whole files`
  collector.warn(
    'SPIKES_WARN_RANGE_IGNORED',
    `The server of ${name} ignored HTTP Range requests and sent ${files} (${stats.bytes} bytes); one that answers them sends only the parts read.`,
    { wholeFiles: stats.wholeFiles, bytesFetched: stats.bytes },
  )
}

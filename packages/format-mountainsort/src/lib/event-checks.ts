import { CorruptFileError, InvalidDataError } from '@spikes/core'
import type { EventFault } from './event-faults.js'

/** The typed error of a fault the per-event loops threw (in this thread or the helper thread). */
export function faultError(fault: Pick<EventFault, 'kind' | 'event' | 'values'>, file: string): InvalidDataError | CorruptFileError {
  if (fault.kind === 'bad' && fault.event !== undefined && fault.values) return badEvent(file, fault.event, ...fault.values)
  return changed(file, fault.event)
}

export function badEvent(file: string, event: number, channel: number, time: number, label: number): InvalidDataError {
  const what = !(Number.isInteger(label) && label >= 0) ? `label ${label}` : !(Number.isInteger(channel) && channel >= 0) ? `channel ${channel}` : `time ${time}`
  return new InvalidDataError(
    `${file}: event ${event} has ${what}. A firings file holds a non-negative integer channel (row 1), a non-negative finite time in samples (row 2) and a non-negative integer label (row 3) per event; this looks like another kind of MDA array.`,
    { file, event, channel, time, label },
  )
}

/** The file's events differ between the two passes (`event` when one event shows it, else the counts do). */
export function changed(file: string, event?: number): CorruptFileError {
  const which = event === undefined ? 'its events per label differ' : `event ${event} differs`
  return new CorruptFileError(`${file} changed while it was being read (${which} between the two passes over the file). Load it again once nothing is writing to it.`, event === undefined ? { file } : { file, event })
}

import { InvalidDataError } from '@spikes/core'

/** A non-negative integer (the fast test covers every value below 2^32). */
export function isIndex(value: number): boolean {
  return (value >>> 0) === value || (Number.isInteger(value) && value >= 0)
}

export function badEvent(file: string, event: number, channel: number, time: number, label: number): InvalidDataError {
  const what = !(Number.isInteger(label) && label >= 0) ? `label ${label}` : !(Number.isInteger(channel) && channel >= 0) ? `channel ${channel}` : `time ${time}`
  return new InvalidDataError(
    `${file}: event ${event} has ${what}. A firings file holds a non-negative integer channel (row 1), a non-negative finite time in samples (row 2) and a non-negative integer label (row 3) per event; this looks like another kind of MDA array.`,
    { file, event, channel, time, label },
  )
}

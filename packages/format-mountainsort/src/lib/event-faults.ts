// What the per-event loops throw; no import of @spikes/core, so readFirings' helper thread starts quickly.
// readFirings turns a fault into its typed error (event-checks.ts), whichever thread found it.

/** A non-negative integer (the fast test covers every value below 2^32). */
export function isIndex(value: number): boolean {
  return (value >>> 0) === value || (Number.isInteger(value) && value >= 0)
}

/**
 * An event the loops cannot take: `bad` when its values are not a firings event, `changed` when the second
 * pass over the file does not match the first (`event` is undefined when only the per-label counts show it).
 */
export class EventFault {
  constructor(
    readonly kind: 'bad' | 'changed',
    readonly event?: number,
    readonly values?: readonly [channel: number, time: number, label: number],
  ) {}
}

export const badEventFault = (event: number, channel: number, time: number, label: number) => new EventFault('bad', event, [channel, time, label])
export const changedFault = (event?: number) => new EventFault('changed', event)

import { isoDatetime } from '../lib/iso-datetime.js'

const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2}$/
const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/

/** An isodatetime ready for NWB: the text to write, and whether UTC had to be assumed. */
export interface WritableDatetime {
  text: string
  /** The source gave no time zone offset; '+00:00' was added. */
  assumedUtc: boolean
}

function calendarValid(text: string): boolean {
  const [y, mo, d, h, mi, s] = text.slice(0, 19).split(/[-T:]/).map(Number) as [number, number, number, number, number, number]
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s
}

/**
 * NWB's isodatetime needs a time zone offset: pynwb refuses to read a file whose session_start_time or
 * timestamps_reference_time has none ("must be a timezone-aware datetime"). Text without an offset (MatNWB
 * wrote '20180301T120000') is written as UTC and flagged, so the caller can warn. Anything that is not an
 * ISO 8601 date (and time) gives undefined.
 */
export function writableDatetime(value: unknown): WritableDatetime | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { text: value.toISOString(), assumedUtc: false }
  if (typeof value !== 'string' || !value.trim()) return undefined
  const text = isoDatetime(value)
  if (WITH_ZONE.test(text)) return calendarValid(text) ? { text, assumedUtc: false } : undefined
  if (WITHOUT_ZONE.test(text)) return calendarValid(text) ? { text: `${text}+00:00`, assumedUtc: true } : undefined
  return undefined
}

const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * An NWB isodatetime as Python's datetime.isoformat() writes it (what SpikeLab's pynwb path stores):
 * 'YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]', microseconds only when non-zero, 'Z' as +00:00.
 * Accepts the basic form MatNWB wrote ('20180301T120000'). Text that is no date is returned trimmed.
 */
export function isoDatetime(text: string): string {
  const s = text.trim()
  const m = EXTENDED.exec(s) ?? BASIC.exec(s)
  if (!m) return s
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac, tz] = m
  let out = `${y}-${mo}-${d}T${h}:${mi}:${sec}`
  if (frac) {
    const micros = frac.slice(0, 6).padEnd(6, '0')
    if (Number(micros) !== 0) out += `.${micros}`
  }
  if (tz) {
    if (tz === 'Z') out += '+00:00'
    else {
      const sign = tz[0]
      const digits = tz.slice(1).replace(':', '')
      out += `${sign}${digits.slice(0, 2)}:${(digits.slice(2, 4) || '00').padEnd(2, '0')}`
    }
  }
  return out
}

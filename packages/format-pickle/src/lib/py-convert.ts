// Python's int(), float() and str() on unpickled values, as SpikeLab's npz loader applies them.
import { PickledArray, pyTypeName, type PickleValue } from '@spikes/numpy'

/** Why a conversion failed (the caller turns it into a typed error naming the unit and key). */
export class ConversionFailure {
  constructor(readonly reason: string) {}
}

function single(v: PickleValue): PickleValue {
  // int(np.array([5])) and float(np.array(2.5)) work in numpy (size-1 arrays); larger ones do not.
  if (v instanceof PickledArray && v.size === 1 && 'fiub'.includes(v.dtype.kind)) return v.toFloat64()[0]
  if (v instanceof PickledArray && v.size === 1 && v.objects) return v.objects[0]
  return v
}

/** Python int(x): truncates floats, parses int literals in strings; None and containers fail. */
export function pyInt(value: PickleValue): number | bigint | ConversionFailure {
  const v = single(value)
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return new ConversionFailure(`cannot convert float ${v} to integer`)
    return Math.trunc(v) === 0 ? 0 : Math.trunc(v)
  }
  if (typeof v === 'string') {
    const t = v.trim().replace(/(\d)_(?=\d)/g, '$1')
    if (!/^[+-]?\d+$/.test(t)) return new ConversionFailure(`invalid literal for int() with base 10: ${JSON.stringify(v.slice(0, 40))}`)
    const big = BigInt(t)
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big
  }
  return new ConversionFailure(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`)
}

/** Python float(x): numbers, numeric strings ('1.5', 'inf', 'nan'); None and containers fail. */
export function pyFloat(value: PickleValue): number | ConversionFailure {
  const v = single(value)
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string') {
    const t = v.trim().replace(/(\d)_(?=\d)/g, '$1').toLowerCase()
    if (/^[+-]?(nan)$/.test(t)) return NaN
    if (/^[+]?inf(inity)?$/.test(t)) return Infinity
    if (/^-inf(inity)?$/.test(t)) return -Infinity
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t)
    return new ConversionFailure(`could not convert string to float: ${JSON.stringify(v.slice(0, 40))}`)
  }
  return new ConversionFailure(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`)
}

/** Python str(x) for the scalars SpikeLab stores (numbers lose Python's int/float distinction: 12.0 -> '12'). */
export function pyStr(value: PickleValue): string {
  const v = single(value)
  if (typeof v === 'string') return v
  if (v === null) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan'
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf'
    return String(v)
  }
  if (v instanceof Uint8Array) return `b'${Array.from(v, (c) => (c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('')}'`
  return `<${pyTypeName(v)}>`
}

// Decoders for the text arguments of protocol 0 opcodes (INT, LONG, FLOAT, STRING, UNICODE).

/** A Python int literal as INT / LONG / PUT carry it: decimal, or 0x / 0o / 0b with base 0. Undefined when malformed. */
export function parsePyInt(text: string, maxDigits: number): number | bigint | undefined {
  let t = text.trim().replace(/_/g, '')
  if (t.endsWith('L')) t = t.slice(0, -1)
  if (t.length === 0 || t.length > maxDigits) return undefined
  let negative = false
  if (t[0] === '-' || t[0] === '+') {
    negative = t[0] === '-'
    t = t.slice(1)
  }
  if (!/^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[1-9][0-9]*|0+)$/.test(t)) return undefined
  const big = BigInt(/^0+$/.test(t) ? '0' : t)
  return normalizeInt(negative ? -big : big)
}

/** A bigint as a number when it is exactly representable, else kept as a bigint. */
export function normalizeInt(value: bigint): number | bigint {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value
}

/** Python float() of a FLOAT opcode argument. Undefined when malformed. */
export function parsePyFloat(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '').toLowerCase()
  if (/^[+-]?nan$/.test(t)) return NaN
  if (/^[+]?inf(inity)?$/.test(t)) return Infinity
  if (/^-inf(inity)?$/.test(t)) return -Infinity
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined
  return Number(t)
}

/**
 * Python's `codecs.escape_decode` of a STRING argument (quotes already removed) to bytes.
 * Undefined for a malformed \x escape.
 */
export function escapeDecode(s: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(s.length)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== 0x5c || i + 1 >= s.length) {
      out[n++] = c
      continue
    }
    const e = s[++i]
    switch (e) {
      case 0x0a: // backslash-newline: a line continuation
        break
      case 0x5c:
      case 0x27:
      case 0x22:
        out[n++] = e
        break
      case 0x61: out[n++] = 7; break // \a
      case 0x62: out[n++] = 8; break // \b
      case 0x66: out[n++] = 12; break // \f
      case 0x6e: out[n++] = 10; break // \n
      case 0x72: out[n++] = 13; break // \r
      case 0x74: out[n++] = 9; break // \t
      case 0x76: out[n++] = 11; break // \v
      case 0x78: {
        const hex = String.fromCharCode(s[i + 1] ?? 0, s[i + 2] ?? 0)
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined
        out[n++] = parseInt(hex, 16)
        i += 2
        break
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30
          for (let k = 0; k < 2 && i + 1 < s.length && s[i + 1] >= 0x30 && s[i + 1] <= 0x37; k++) v = v * 8 + (s[++i] - 0x30)
          out[n++] = v & 0xff
        } else {
          out[n++] = 0x5c
          out[n++] = e
        }
    }
  }
  return out.subarray(0, n)
}

/** Python's raw-unicode-escape decoding (UNICODE opcode): latin-1 bytes with \uXXXX and \UXXXXXXXX escapes. */
export function rawUnicodeEscapeDecode(s: Uint8Array): string | undefined {
  const parts: string[] = []
  let chunk = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== 0x5c) {
      chunk += String.fromCharCode(c)
      continue
    }
    // A run of backslashes: only an odd-length run escapes the u / U after it.
    let j = i
    while (j < s.length && s[j] === 0x5c) j++
    const run = j - i
    const next = s[j]
    if (run % 2 === 1 && (next === 0x75 || next === 0x55)) {
      chunk += '\\'.repeat(run - 1)
      const digits = next === 0x75 ? 4 : 8
      const hex = String.fromCharCode(...s.subarray(j + 1, j + 1 + digits))
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return undefined
      const cp = parseInt(hex, 16)
      if (cp > 0x10ffff) return undefined
      chunk += String.fromCodePoint(cp)
      i = j + digits
    } else {
      chunk += '\\'.repeat(run)
      i = j - 1
    }
    if (chunk.length > 8192) {
      parts.push(chunk)
      chunk = ''
    }
  }
  parts.push(chunk)
  return parts.join('')
}

/** Bytes as a latin-1 string (one char per byte), in chunks so large inputs do not overflow the call stack. */
export function latin1(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return out
}

/** A latin-1 string back to bytes; undefined when a character is above U+00FF. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c > 0xff) return undefined
    out[i] = c
  }
  return out
}

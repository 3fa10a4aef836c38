/**
 * A parser for the Python literals an .npy header (and a Phy params.py) uses: str, int, float,
 * True/False/None, tuple, list, dict. It only builds data; nothing is ever evaluated.
 */
export type PyLiteral = string | number | boolean | null | PyTuple | PyLiteral[] | PyDict

/** Tuples are frozen arrays tagged so they can be told from lists. */
export type PyTuple = readonly PyLiteral[] & { readonly __tuple: true }
/** A Python dict; keys are kept as parsed (strings or numbers). */
export type PyDict = Map<string | number, PyLiteral>

/**
 * Thrown by parsePyLiteral for text that is not a supported literal. A plain Error, not a SpikesError:
 * callers wrap it (the .npy header reader turns it into CorruptFileError).
 */
export class PyLiteralError extends Error {
  constructor(
    message: string,
    /** Index in the text where parsing failed. */
    readonly position: number,
  ) {
    super(message)
  }
}

/** True for a tuple produced by parsePyLiteral (as opposed to a list). */
export function isPyTuple(value: unknown): value is PyTuple {
  return Array.isArray(value) && (value as { __tuple?: boolean }).__tuple === true
}

function tuple(items: PyLiteral[]): PyTuple {
  Object.defineProperty(items, '__tuple', { value: true, enumerable: false })
  return Object.freeze(items) as unknown as PyTuple
}

/** Parses one literal expression; `end` is the index just after it (trailing text allowed with `allowTrailing`). */
export function parsePyLiteral(text: string, options: { allowTrailing?: boolean; maxDepth?: number } = {}): { value: PyLiteral; end: number } {
  const maxDepth = options.maxDepth ?? 64
  let i = 0

  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${i}`, i)
  }
  const skip = (): void => {
    while (i < text.length) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') i++
      else if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++
      } else break
    }
  }

  const parseString = (): string => {
    // String prefixes: r, b, u (any case), possibly combined (rb, br).
    let raw = false
    while (/[rRbBuU]/.test(text[i] ?? '')) {
      if (text[i] === 'r' || text[i] === 'R') raw = true
      i++
    }
    const q = text[i]
    if (q !== "'" && q !== '"') return fail('expected a quote')
    const triple = text.startsWith(q.repeat(3), i)
    const close = triple ? q.repeat(3) : q
    i += close.length
    let out = ''
    for (;;) {
      if (i >= text.length) fail('unterminated string')
      if (text.startsWith(close, i)) {
        i += close.length
        return out
      }
      const c = text[i]
      if (!triple && c === '\n') fail('newline in a string')
      if (c === '\\' && !raw) {
        const n = text[i + 1]
        i += 2
        switch (n) {
          case 'n': out += '\n'; break
          case 't': out += '\t'; break
          case 'r': out += '\r'; break
          case '0': out += '\0'; break
          case '\\': out += '\\'; break
          case "'": out += "'"; break
          case '"': out += '"'; break
          case '\n': break
          case 'x': {
            const h = text.slice(i, i + 2)
            if (!/^[0-9a-fA-F]{2}$/.test(h)) fail('bad \\x escape')
            out += String.fromCharCode(parseInt(h, 16))
            i += 2
            break
          }
          case 'u':
          case 'U': {
            const len = n === 'u' ? 4 : 8
            const h = text.slice(i, i + len)
            if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) fail('bad unicode escape')
            const cp = parseInt(h, 16)
            if (cp > 0x10ffff) fail('bad unicode escape')
            out += String.fromCodePoint(cp)
            i += len
            break
          }
          default:
            out += '\\' + (n ?? '')
        }
        continue
      }
      out += c
      i++
    }
  }

  const parseNumber = (): number => {
    const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[lLjJ]?/.exec(text.slice(i, i + 400))
    if (!m) return fail('expected a number')
    i += m[0].length
    let s = m[0].replace(/_/g, '')
    if (/[jJ]$/.test(s)) fail('complex numbers are not supported')
    s = s.replace(/[lL]$/, '')
    const neg = s.startsWith('-')
    const body = s.replace(/^[+-]/, '')
    let v: number
    if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16)
    else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8)
    else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2)
    else v = Number(body)
    if (Number.isNaN(v)) fail('bad number')
    return neg ? -v : v
  }

  const parseSeq = (closeCh: string, depth: number): PyLiteral[] => {
    const items: PyLiteral[] = []
    for (;;) {
      skip()
      if (text[i] === closeCh) {
        i++
        return items
      }
      items.push(parseValue(depth + 1))
      skip()
      if (text[i] === ',') i++
      else if (text[i] !== closeCh) fail(`expected ',' or '${closeCh}'`)
    }
  }

  const parseValue = (depth: number): PyLiteral => {
    if (depth > maxDepth) fail('nesting too deep')
    skip()
    const c = text[i]
    if (c === undefined) return fail('unexpected end')
    if (c === "'" || c === '"' || (/[rRbBuU]/.test(c) && /^[rRbBuU]{1,2}['"]/.test(text.slice(i, i + 3)))) {
      let s = parseString()
      // Adjacent string literals concatenate.
      for (;;) {
        const save = i
        skip()
        if (text[i] === "'" || text[i] === '"' || /^[rRbBuU]{1,2}['"]/.test(text.slice(i, i + 3))) s += parseString()
        else {
          i = save
          break
        }
      }
      return s
    }
    if (c === '(') {
      i++
      skip()
      if (text[i] === ')') {
        i++
        return tuple([])
      }
      const first = parseValue(depth + 1)
      skip()
      if (text[i] === ')') {
        i++
        return first // parenthesised expression
      }
      if (text[i] !== ',') fail("expected ',' or ')'")
      i++
      return tuple([first, ...parseSeq(')', depth)])
    }
    if (c === '[') {
      i++
      return parseSeq(']', depth)
    }
    if (c === '{') {
      i++
      const map: PyDict = new Map()
      for (;;) {
        skip()
        if (text[i] === '}') {
          i++
          return map
        }
        const key = parseValue(depth + 1)
        if (typeof key !== 'string' && typeof key !== 'number') fail('dict keys must be strings or numbers')
        skip()
        if (text[i] !== ':') fail("expected ':'")
        i++
        map.set(key as string | number, parseValue(depth + 1))
        skip()
        if (text[i] === ',') i++
        else if (text[i] !== '}') fail("expected ',' or '}'")
      }
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64))?.[0]
    if (word === 'True' || word === 'False' || word === 'None') {
      i += word.length
      return word === 'True' ? true : word === 'False' ? false : null
    }
    if (word === 'inf' || word === 'nan') {
      i += word.length
      return word === 'inf' ? Infinity : NaN
    }
    if (word) fail(`'${word}' is not a literal`)
    const v = parseNumber()
    return v
  }

  const value = parseValue(0)
  const end = i
  skip()
  if (!options.allowTrailing && i < text.length) fail('unexpected text after the value')
  return { value, end }
}

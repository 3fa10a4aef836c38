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
  const reader = new LiteralReader(text, options.maxDepth ?? 64)
  const value = reader.value(0)
  const end = reader.i
  reader.skip()
  if (!options.allowTrailing && reader.i < text.length) reader.fail('unexpected text after the value')
  return { value, end }
}

const NOT_A_WORD = Symbol('not a word')
const STRING_START = /^[rRbBuU]{1,2}['"]/
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' }

/** One pass over the text: `i` is the read position, each method reads one construct from it. */
class LiteralReader {
  i = 0

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new PyLiteralError(`${what} at character ${this.i}`, this.i)
  }

  /** Skips blanks, line continuations and comments. */
  skip(): void {
    const { text } = this
    while (this.i < text.length) {
      const c = text[this.i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') this.i++
      else if (c === '#') {
        while (this.i < text.length && text[this.i] !== '\n') this.i++
      } else break
    }
  }

  value(depth: number): PyLiteral {
    if (depth > this.maxDepth) this.fail('nesting too deep')
    this.skip()
    const c = this.text[this.i]
    if (c === undefined) return this.fail('unexpected end')
    if (c === "'" || c === '"' || (/[rRbBuU]/.test(c) && STRING_START.test(this.text.slice(this.i, this.i + 3)))) return this.strings()
    if (c === '(') return this.tupleOrGroup(depth)
    if (c === '[') {
      this.i++
      return this.sequence(']', depth)
    }
    if (c === '{') return this.dict(depth)
    const word = this.word()
    return word === NOT_A_WORD ? this.number() : word
  }

  /** One string literal, or several adjacent ones (they concatenate). */
  private strings(): string {
    let s = this.string()
    for (;;) {
      const save = this.i
      this.skip()
      const c = this.text[this.i]
      if (c === "'" || c === '"' || STRING_START.test(this.text.slice(this.i, this.i + 3))) s += this.string()
      else {
        this.i = save
        return s
      }
    }
  }

  private string(): string {
    const { text } = this
    // String prefixes: r, b, u (any case), possibly combined (rb, br).
    let raw = false
    while (/[rRbBuU]/.test(text[this.i] ?? '')) {
      if (text[this.i] === 'r' || text[this.i] === 'R') raw = true
      this.i++
    }
    const q = text[this.i]
    if (q !== "'" && q !== '"') return this.fail('expected a quote')
    const triple = text.startsWith(q.repeat(3), this.i)
    const close = triple ? q.repeat(3) : q
    this.i += close.length
    let out = ''
    for (;;) {
      if (this.i >= text.length) this.fail('unterminated string')
      if (text.startsWith(close, this.i)) {
        this.i += close.length
        return out
      }
      const c = text[this.i]
      if (!triple && c === '\n') this.fail('newline in a string')
      if (c === '\\' && !raw) out += this.escape()
      else {
        out += c
        this.i++
      }
    }
  }

  /** The character(s) of one backslash escape; unknown escapes stay as written, as in Python. */
  private escape(): string {
    const n = this.text[this.i + 1]
    this.i += 2
    if (n !== undefined && Object.hasOwn(SIMPLE_ESCAPES, n)) return SIMPLE_ESCAPES[n]
    if (n === 'x') {
      const h = this.text.slice(this.i, this.i + 2)
      if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('bad \\x escape')
      this.i += 2
      return String.fromCharCode(parseInt(h, 16))
    }
    if (n === 'u' || n === 'U') {
      const len = n === 'u' ? 4 : 8
      const h = this.text.slice(this.i, this.i + len)
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) this.fail('bad unicode escape')
      const cp = parseInt(h, 16)
      if (cp > 0x10ffff) this.fail('bad unicode escape')
      this.i += len
      return String.fromCodePoint(cp)
    }
    return '\\' + (n ?? '')
  }

  private number(): number {
    const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[lLjJ]?/.exec(this.text.slice(this.i, this.i + 400))
    if (!m) return this.fail('expected a number')
    this.i += m[0].length
    let s = m[0].replace(/_/g, '')
    if (/[jJ]$/.test(s)) this.fail('complex numbers are not supported')
    s = s.replace(/[lL]$/, '')
    const neg = s.startsWith('-')
    const body = s.replace(/^[+-]/, '')
    let v: number
    if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16)
    else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8)
    else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2)
    else v = Number(body)
    if (Number.isNaN(v)) this.fail('bad number')
    return neg ? -v : v
  }

  /** True, False, None, inf, nan; NOT_A_WORD when no word starts here; any other name fails. */
  private word(): PyLiteral | typeof NOT_A_WORD {
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i, this.i + 64))?.[0]
    if (!word) return NOT_A_WORD
    const constants: Record<string, PyLiteral> = { True: true, False: false, None: null, inf: Infinity, nan: NaN }
    if (!Object.hasOwn(constants, word)) this.fail(`'${word}' is not a literal`)
    this.i += word.length
    return constants[word]
  }

  /** Items up to `closeCh` (the opening bracket already read), with an optional trailing comma. */
  private sequence(closeCh: string, depth: number): PyLiteral[] {
    const items: PyLiteral[] = []
    for (;;) {
      this.skip()
      if (this.text[this.i] === closeCh) {
        this.i++
        return items
      }
      items.push(this.value(depth + 1))
      this.skip()
      if (this.text[this.i] === ',') this.i++
      else if (this.text[this.i] !== closeCh) this.fail(`expected ',' or '${closeCh}'`)
    }
  }

  /** `()`, `(x,)`, `(x, y)` are tuples; `(x)` is x. */
  private tupleOrGroup(depth: number): PyLiteral {
    this.i++
    this.skip()
    if (this.text[this.i] === ')') {
      this.i++
      return tuple([])
    }
    const first = this.value(depth + 1)
    this.skip()
    if (this.text[this.i] === ')') {
      this.i++
      return first // parenthesised expression
    }
    if (this.text[this.i] !== ',') this.fail("expected ',' or ')'")
    this.i++
    return tuple([first, ...this.sequence(')', depth)])
  }

  private dict(depth: number): PyDict {
    this.i++
    const map: PyDict = new Map()
    for (;;) {
      this.skip()
      if (this.text[this.i] === '}') {
        this.i++
        return map
      }
      const key = this.value(depth + 1)
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('dict keys must be strings or numbers')
      this.skip()
      if (this.text[this.i] !== ':') this.fail("expected ':'")
      this.i++
      map.set(key as string | number, this.value(depth + 1))
      this.skip()
      if (this.text[this.i] === ',') this.i++
      else if (this.text[this.i] !== '}') this.fail("expected ',' or '}'")
    }
  }
}

/** A JSON value: hints carry only these, so an error's details survive JSON.stringify. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * What to do about an error, as data. The library's message writes each hint as code (`Pass { options:
 * { fsHz: 30000 } }`); the CLI writes the same hint as flags (`--fsHz 30000`). `why` completes the
 * sentence: "to give the sampling rate".
 */
export type Hint =
  /** A loader option (`loadSpikeData(input, { options: { fsHz: 30000 } })`). */
  | { kind: 'option'; option: string; example: JsonValue; why: string }
  /** An option of loadSpikeData itself, such as `format`. An example written `<like this>` is a placeholder. */
  | { kind: 'load-option'; option: string; example: JsonValue; why: string }
  /** Another function of the library; `command` is the CLI's equivalent, when there is one. */
  | { kind: 'call'; call: string; packageName: string; why: string; command?: string }
  /** Another input to load instead (the one recording inside a folder). */
  | { kind: 'input'; input: string; why: string }
  /** A CLI command with no single library call (`spikes scan <folder>`: command 'scan', args [folder]); code gets `text`. */
  | { kind: 'command'; command: string; args?: string[]; why: string; text: string }
  /** Advice that reads the same everywhere. */
  | { kind: 'text'; text: string }

/** `message` followed by each hint written by `render`. */
export function withHints(message: string, hints: readonly Hint[], render: (hint: Hint) => string): string {
  const texts = hints.map(render).filter(Boolean)
  return texts.length ? `${message} ${texts.join(' ')}` : message
}

/** A hint as the library's users read it: in TypeScript. */
export function codeHint(hint: Hint): string {
  switch (hint.kind) {
    case 'option':
      return `Pass { options: { ${jsKey(hint.option)}: ${jsLiteral(hint.example)} } } ${hint.why}.`
    case 'load-option':
      return `Pass { ${jsKey(hint.option)}: ${jsLiteral(hint.example)} } ${hint.why}.`
    case 'call':
      return `Use ${hint.call} from ${hint.packageName} ${hint.why}.`
    case 'input':
      return `Load ${jsLiteral(hint.input)} ${hint.why}.`
    case 'command':
      return hint.text
    case 'text':
      return hint.text
  }
}

/** A value written as a JavaScript literal: `'kilosort'`, `{ fsHz: 30000 }`, `<id>` for a placeholder. */
export function jsLiteral(value: JsonValue): string {
  if (typeof value === 'string') return isPlaceholder(value) ? value : quote(value)
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(', ')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${jsKey(k)}: ${jsLiteral(v)}`)
    return entries.length ? `{ ${entries.join(', ')} }` : '{}'
  }
  return JSON.stringify(value)
}

/** `<id>`-style example values stand for something the user fills in. */
export function isPlaceholder(value: JsonValue): boolean {
  return typeof value === 'string' && /^<[^<>]+>$/.test(value)
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function jsKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`
}

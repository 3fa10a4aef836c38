import { CorruptFileError } from '@spikes/core'

/** One element of a parsed XML document. */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: XmlElement[]
  /** The element's own text (entities decoded, trimmed), without its children's. */
  text: string
}

const MAX_DEPTH = 256
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * A small non-validating XML reader for session files (ndManager's .xml): elements, attributes and
 * text; comments, processing instructions, DOCTYPE and CDATA are handled; nothing is fetched or expanded.
 */
export function parseXml(text: string, file: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' }
  const stack: XmlElement[] = [root]
  let i = 0
  const fail = (what: string): never => {
    throw new CorruptFileError(`${file} is not well-formed XML: ${what} (at character ${i}).`, { file, offset: i })
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt)
    if (chunk.trim() !== '') stack[stack.length - 1].text += decode(chunk, fail)
    if (lt < 0) break
    i = lt
    if (text.startsWith('<!--', i)) i = after(text, '-->', i, fail)
    else if (text.startsWith('<?', i)) i = after(text, '?>', i, fail)
    else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i)
      if (end < 0) fail('unterminated CDATA section')
      stack[stack.length - 1].text += text.slice(i + 9, end)
      i = end + 3
    } else if (text.startsWith('<!', i)) i = after(text, '>', i, fail)
    else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i)
      if (end < 0) fail('unterminated closing tag')
      const name = text.slice(i + 2, end).trim()
      const open = stack.pop()
      if (!open || open === root || open.name !== name) fail(`closing tag </${name}> does not match <${open?.name}>`)
      i = end + 1
    } else {
      const end = text.indexOf('>', i)
      if (end < 0) fail('unterminated tag')
      const selfClosing = text[end - 1] === '/'
      const inner = text.slice(i + 1, selfClosing ? end - 1 : end)
      const match = /^([A-Za-z_][\w.:-]*)/.exec(inner)
      if (!match) fail('a tag without a name')
      const element: XmlElement = { name: match![1], attributes: attributesOf(inner.slice(match![1].length), fail), children: [], text: '' }
      stack[stack.length - 1].children.push(element)
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`)
        stack.push(element)
      }
      i = end + 1
    }
  }
  if (stack.length > 1) fail(`<${stack[stack.length - 1].name}> is never closed`)
  const top = root.children.filter((c) => c.name)
  if (top.length !== 1) fail(`${top.length} root elements`)
  trimAll(top[0])
  return top[0]
}

function after(text: string, close: string, from: number, fail: (what: string) => never): number {
  const end = text.indexOf(close, from)
  if (end < 0) fail(`unterminated markup, no '${close}'`)
  return end + close.length
}

function attributesOf(text: string, fail: (what: string) => never): Record<string, string> {
  const out: Record<string, string> = {}
  const pattern = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y
  let rest = text.trim()
  while (rest !== '') {
    pattern.lastIndex = 0
    const m = pattern.exec(rest)
    if (!m) fail(`bad attribute syntax ${JSON.stringify(rest.slice(0, 40))}`)
    out[m![1]] = decode(m![3] ?? m![4], fail)
    rest = rest.slice(m![0].length).trim()
  }
  return out
}

function decode(text: string, fail: (what: string) => never): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : fail(`character reference &${ref}; out of range`)
    }
    return ENTITIES[ref] ?? fail(`unknown entity &${ref};`)
  })
}

function trimAll(element: XmlElement): void {
  const pending = [element]
  while (pending.length > 0) {
    const e = pending.pop()!
    e.text = e.text.trim()
    pending.push(...e.children)
  }
}

/** The first descendant reached by following `path` (element names), or undefined. */
export function child(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let at = element
  for (const name of path) at = at?.children.find((c) => c.name === name)
  return at
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? []
}

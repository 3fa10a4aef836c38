// The options tables of the loaders' READMEs, generated from their valibot schemas (describeOptions):
// each README section between `<!-- options:start <loader id> -->` and `<!-- options:end -->` is rewritten.

const START = /<!-- options:start ([\w-]+) -->\n[\s\S]*?<!-- options:end -->/g

/** One loader's options as a Markdown table (or a sentence when it takes none). */
export function optionsTable(rows) {
  if (rows.length === 0) return 'This loader takes no options.'
  const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ')
  const lines = ['| option | type | default | description |', '| --- | --- | --- | --- |']
  for (const row of rows) {
    const fallback = row.required ? 'required' : row.default === undefined ? '—' : `\`${JSON.stringify(row.default)}\``
    lines.push(`| \`${row.name}\` | \`${cell(row.type)}\` | ${cell(fallback)} | ${cell(row.description)} |`)
  }
  return lines.join('\n')
}

/** The README with each marked section rewritten; `tables` maps a loader id to its table. Unknown ids are reported. */
export function rewriteReadme(text, tables) {
  const unknown = []
  const seen = []
  const out = text.replace(START, (whole, id) => {
    if (!(id in tables)) {
      unknown.push(id)
      return whole
    }
    seen.push(id)
    return `<!-- options:start ${id} -->\n<!-- generated from the loader's options schema by tools/readme-options.mjs: edit the schema, then run it -->\n${tables[id]}\n<!-- options:end -->`
  })
  return { text: out, unknown, seen }
}

#!/usr/bin/env node
// Writes a changeset without the interactive prompt:
//   node tools/write-changeset.mjs @spikes/core:minor @spikes/cli:patch -m "Summary of the change"
import writeChangeset from '@changesets/write'

const args = process.argv.slice(2)
const m = args.indexOf('-m')
const summary = m >= 0 ? args[m + 1] : ''
const releases = args.filter((a, i) => a !== '-m' && i !== m + 1).map((spec) => {
  const at = spec.lastIndexOf(':')
  const name = spec.slice(0, at)
  const type = spec.slice(at + 1)
  if (!name.startsWith('@spikes/') || !['patch', 'minor', 'major'].includes(type)) {
    console.error(`error: '${spec}' is not <@spikes/package>:<patch|minor|major>`)
    process.exit(1)
  }
  return { name, type }
})
if (!summary || releases.length === 0) {
  console.error('usage: write-changeset.mjs <@spikes/pkg>:<patch|minor|major> ... -m "summary"')
  process.exit(1)
}
const id = await (writeChangeset.default ?? writeChangeset)({ summary, releases }, process.cwd())
console.log(`.changeset/${id}.md`)

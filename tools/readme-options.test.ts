import { describe, expect, it } from 'vitest'
import { definedLoaders, updateReadmes } from './readme-options.mjs'
import { optionsTable, rewriteReadme } from './readme-options/render.mjs'

describe('README options tables', () => {
  it('are generated from the schemas and up to date (run node tools/readme-options.mjs after changing a schema)', async () => {
    const { loaders, problems } = await updateReadmes({ check: true })
    expect(problems).toEqual([])
    expect(loaders).toEqual(expect.arrayContaining(['hdf5', 'hdf5-threshold', 'nwb', 'pickle', 'spikelab-npz', 'alf', 'ibl', 'dandi', 'spikeinterface', 'spikeinterface-npz', 'spikeinterface-recording', 'spikes-json', 'kilosort']))
  }, 120_000)

  it('every loader describes every option (what the CLI help lists)', async () => {
    const loaders = (await definedLoaders()) as { id: string; rows: { name: string; description: string }[] }[]
    const undescribed = loaders.flatMap((l) => l.rows.filter((r) => r.description.trim() === '').map((r) => `${l.id}.${r.name}`))
    expect(undescribed).toEqual([])
  }, 120_000)

  it('renders rows and rewrites only the marked sections', () => {
    const table = optionsTable([
      { name: 'fsHz', type: 'number', required: false, description: 'Rate | in Hz.' },
      { name: 'mode', type: "'a' | 'b'", required: false, default: 'a', description: 'A mode.' },
      { name: 'dataset', type: 'string', required: true, description: 'Traces.' },
    ])
    expect(table.split('\n')).toEqual([
      '| option | type | default | description |',
      '| --- | --- | --- | --- |',
      '| `fsHz` | `number` | — | Rate \\| in Hz. |',
      "| `mode` | `'a' \\| 'b'` | `\"a\"` | A mode. |",
      '| `dataset` | `string` | required | Traces. |',
    ])
    expect(optionsTable([])).toBe('This loader takes no options.')
    const readme = 'intro\n<!-- options:start x -->\nold\n<!-- options:end -->\nmiddle\n<!-- options:start y -->\n<!-- options:end -->\n'
    const { text, unknown, seen } = rewriteReadme(readme, { x: 'NEW' })
    expect(text).toContain('<!-- options:start x -->\n<!-- generated')
    expect(text).toContain('NEW\n<!-- options:end -->\nmiddle')
    expect(text).not.toContain('old')
    expect(unknown).toEqual(['y'])
    expect(seen).toEqual(['x'])
  })
})

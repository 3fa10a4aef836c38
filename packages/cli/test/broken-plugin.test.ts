import { expect, it, vi } from 'vitest'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

// Its own file: the plugin container is loaded once per module graph, and here it must see the broken plugin.
vi.mock('@spikes/format-pickle/register', () => {
  throw new SyntaxError("Unexpected token '}'")
})


const WARNING = 'warning[SPIKES_WARN_PLUGIN_FAILED_TO_LOAD]: Skipped the formats of @spikes/format-pickle: it is installed but failed to load ('

it('a built-in plugin that is installed but fails to load is a warning on stderr, and the other formats still work', async () => {
  const formats = captureIo()
  expect(await main(['formats', '--json'], formats.io)).toBe(0)
  const ids = (JSON.parse(formats.stdout()) as { id: string }[]).map((f) => f.id)
  expect(ids).toEqual(expect.arrayContaining(['nwb', 'kilosort']))
  expect(ids).not.toContain('pickle')
  expect(formats.stderr()).toContain(WARNING)
  expect(formats.stderr()).toContain('npm ls @spikes/format-pickle')
  expect(formats.stderr()).not.toContain('Install it with')

  const inspect = captureIo()
  expect(await main(['inspect', '--json'], inspect.io)).toBe(0)
  expect(JSON.parse(inspect.stdout()).N).toBe(32)
  expect(inspect.stderr().split('\n').filter((line) => line.startsWith(WARNING))).toHaveLength(1)
})

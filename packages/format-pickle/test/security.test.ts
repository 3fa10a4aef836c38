import { existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData } from '@spikes/core'
import { registerPickle, spikeDataFromPickleBytes } from '../src/index.js'
import { PickleWriter } from '@spikes/testing'

const MARKER = join(tmpdir(), `spikes-pickle-security-${process.pid}`)

/**
 * What `pickle.dumps` makes of an object whose __reduce__ returns (os.system, ('touch MARKER',)):
 * a SpikeData-looking pickle whose first train is the result of calling os.system. Python's
 * pickle.load would run the command; the loader must refuse it and run nothing.
 */
function hostile(module: string, name: string, argument: string, proto: number): Uint8Array {
  const w = new PickleWriter().proto(proto)
  const global = (m: string, n: string) => (proto >= 4 ? w.stackGlobal(m, n) : w.global(m, n))
  global('spikelab.spikedata.spikedata', 'SpikeData')
  w.raw(0x29, 0x81).raw(0x7d).mark().str('train').raw(0x5d)
  global(module, name)
  w.str(argument).tuple1().reduce().raw(0x61)
  return w.raw(0x75).build().stop().toBytes()
}

afterEach(() => rmSync(MARKER, { force: true }))

describe('hostile pickles never run anything', () => {
  it.each([
    ['os', 'system', `touch ${MARKER}`],
    ['posix', 'system', `touch ${MARKER}`],
    ['subprocess', 'call', `touch ${MARKER}`],
    ['builtins', 'eval', `open(${JSON.stringify(MARKER)}, 'w')`],
    ['builtins', 'exec', `open(${JSON.stringify(MARKER)}, 'w')`],
    ['__builtin__', 'eval', `open(${JSON.stringify(MARKER)}, 'w')`],
  ])('%s.%s is refused with SPIKES_UNSAFE_PICKLE naming it, and the marker file never appears', async (module, name, argument) => {
    const c = container.createChildContainer()
    registerPickle(c)
    for (const proto of [0, 2, 3, 4, 5]) {
      const bytes = hostile(module, name, argument, proto)
      await expect(loadSpikeData(bytesSource(bytes, 'evil.pkl'), { container: c, format: 'pickle' })).rejects.toMatchObject({
        code: 'SPIKES_UNSAFE_PICKLE',
        global: `${module}.${name}`,
      })
      expect(() => spikeDataFromPickleBytes(bytes)).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE' }))
    }
    // Give a would-be child process time to create the file.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(existsSync(MARKER)).toBe(false)
  })

  it('is refused at the GLOBAL opcode, before the arguments are even read', () => {
    // Everything after the global is garbage: an error about it would mean the global was accepted.
    const w = new PickleWriter().proto(4).stackGlobal('os', 'system').raw(0xff, 0xff, 0xff)
    expect(() => spikeDataFromPickleBytes(w.toBytes())).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE', position: 14 }))
  })
})

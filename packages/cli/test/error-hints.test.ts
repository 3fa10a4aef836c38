// Every error class, written for the command line: hints as flags, --options JSON and commands, never
// as code (`Pass { ... }`, `allowNoUnits: true`). The library's own message keeps the code form.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AbortedError, AmbiguousFormatError, CorruptFileError, IncompatiblePluginError, IntegrityError, InvalidArgumentError, InvalidDataError, InvalidSourceError, LimitExceededError,
  LoaderNotRegisteredError, MissingEntryError, MissingFileError, NetworkError, SelectionRequiredError, SpikesError, UnknownFormatError, UnsupportedError, type Hint,
} from '@spikes/core'
import { UnknownOptionError } from '@spikes/core/loader-utils'
import { WriteError } from '@spikes/core/node'
import { kilosortFiles, tempFolder } from '@spikes/testing'
import { cliMessage } from '../src/cli-hints.js'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

const CONTEXT = { command: 'inspect', commands: ['inspect', 'load', 'scan'] }
const allowNoUnits: Hint = { kind: 'option', option: 'allowNoUnits', example: true, why: 'to load only the file metadata' }

/** [class, an instance as the library throws it, what the CLI must say, what the library says]. */
const CASES: [string, SpikesError, string, string][] = [
  ['SpikesError', new SpikesError('SPIKES_X', 'Something failed.', {}, { hints: [{ kind: 'text', text: 'Try again.' }] }), 'Something failed. Try again.', 'Something failed. Try again.'],
  [
    'InvalidArgumentError',
    new InvalidArgumentError('fsHz', undefined, 'a positive sampling rate in Hz', { hints: [{ kind: 'option', option: 'fsHz', example: 30000, why: 'with the sampling rate' }] }),
    `Missing fsHz: expected a positive sampling rate in Hz. Add --fsHz 30000 (or --options '{"fsHz": 30000}') with the sampling rate.`,
    'Missing fsHz: expected a positive sampling rate in Hz. Pass { options: { fsHz: 30000 } } with the sampling rate.',
  ],
  ['UnknownOptionError', new UnknownOptionError('kilosort', 'fsHx', 1, ['fsHz'], 'fsHz'), "The kilosort loader has no option 'fsHx'; did you mean 'fsHz'? Its options: fsHz.", "The kilosort loader has no option 'fsHx'; did you mean 'fsHz'? Its options: fsHz."],
  [
    'InvalidDataError',
    new InvalidDataError('x.pkl does not contain a SpikeData object (found dict).', {}, { hints: [{ kind: 'call', call: 'readSpikeLabPickle()', packageName: '@spikes/format-pickle', why: 'for the other SpikeLab data types' }] }),
    'x.pkl does not contain a SpikeData object (found dict). The command line cannot do this; in code, use readSpikeLabPickle() from @spikes/format-pickle for the other SpikeLab data types.',
    'x.pkl does not contain a SpikeData object (found dict). Use readSpikeLabPickle() from @spikes/format-pickle for the other SpikeLab data types.',
  ],
  ['UnknownFormatError', new UnknownFormatError("the file 'x.bin' (3 bytes)", ['nwb']), "Could not recognise the file 'x.bin' (3 bytes). Tried: nwb. Add --format <id> to force a loader. Or install the plugin", 'Pass { format: <id> } to force a loader.'],
  [
    'AmbiguousFormatError',
    new AmbiguousFormatError([{ id: 'a', confidence: 50, reason: 'ra' }, { id: 'b', confidence: 50, reason: 'rb' }]),
    'Several loaders claim this input equally: a (ra); b (rb). Add --format a to choose one (a or b).',
    "Pass { format: 'a' } to choose one (a or b).",
  ],
  ['LoaderNotRegisteredError', new LoaderNotRegisteredError('kilosrot', '', ['kilosort', 'nwb'], 'kilosort'), "did you mean 'kilosort'? Registered: kilosort, nwb. Add --format kilosort if that is what you meant.", "Pass { format: 'kilosort' } if that is what you meant."],
  ['SelectionRequiredError', new SelectionRequiredError('unitsTable', ['/units', '/processing/ecephys/units'], 'This file has several Units tables.'), `This file has several Units tables. Available: /units, /processing/ecephys/units. Add --unitsTable /units (or --options '{"unitsTable": "/units"}') to choose one.`, "Pass { options: { unitsTable: '/units' } } to choose one."],
  ['InvalidSourceError', new InvalidSourceError("The 'kilosort' loader reads a folder, but 'x.nwb' is a file."), "The 'kilosort' loader reads a folder, but 'x.nwb' is a file.", "The 'kilosort' loader reads a folder, but 'x.nwb' is a file."],
  ['MissingFileError', new MissingFileError('spike_times.npy', '/data/ks', [{ kind: 'option', option: 'spikeTimesFile', example: 'times.npy', why: 'if the times are in another file' }]), "Missing file 'spike_times.npy' in /data/ks. Add --spikeTimesFile times.npy (or --options '{\"spikeTimesFile\": \"times.npy\"}') if the times are in another file.", "Pass { options: { spikeTimesFile: 'times.npy' } }"],
  ['MissingEntryError', new MissingEntryError('/units', 'x.nwb', [], [{ kind: 'text', text: 'This NWB file has no Units table.' }, allowNoUnits]), `'/units' was not found in x.nwb. This NWB file has no Units table. Add --allowNoUnits (or --options '{"allowNoUnits": true}') to load only the file metadata.`, 'Pass { options: { allowNoUnits: true } } to load only the file metadata.'],
  ['CorruptFileError', new CorruptFileError('x.npy: the header promises 800 bytes, the file has 80.'), 'x.npy: the header promises 800 bytes, the file has 80.', 'x.npy: the header promises 800 bytes, the file has 80.'],
  ['UnsupportedError', new UnsupportedError('spikelab-type', 'x.pkl holds a SpikeLab RateData.', {}, { hints: [{ kind: 'call', call: 'readSpikeLabPickle()', packageName: '@spikes/format-pickle', why: 'to get the RateData record' }] }), 'in code, use readSpikeLabPickle() from @spikes/format-pickle to get the RateData record.', 'Use readSpikeLabPickle() from @spikes/format-pickle to get the RateData record.'],
  ['NetworkError', new NetworkError('https://x/y.nwb answered a Range request (HTTP 206) but its Content-Range header is not visible.', {}, { hints: [{ kind: 'text', text: 'Add "Access-Control-Expose-Headers: Content-Range, Content-Length".' }] }), 'Access-Control-Expose-Headers: Content-Range, Content-Length', 'Access-Control-Expose-Headers: Content-Range, Content-Length'],
  ['LimitExceededError', new LimitExceededError('x.npz: member a.npy is 9000000000 bytes, more than the read limit of 2147483648 bytes.', { limit: 2147483648, actual: 9000000000, what: 'member' }), 'x.npz: member a.npy is 9000000000 bytes, more than the read limit of 2147483648 bytes.', 'more than the read limit'],
  ['IntegrityError', new IntegrityError('x.nwb: sha256 differs.', { expected: 'a', actual: 'b' }), 'x.nwb: sha256 differs.', 'x.nwb: sha256 differs.'],
  ['AbortedError', new AbortedError('Loading KiloSort'), 'Loading KiloSort was aborted.', 'Loading KiloSort was aborted.'],
  ['IncompatiblePluginError', new IncompatiblePluginError('@acme/format-x', 'loader API 2', 'loader API 1'), '@acme/format-x needs @spikes/core loader API 2, but loader API 1 is installed. Update one of them.', 'Update one of them.'],
  ['WriteError', new WriteError('Writing out.svg failed: its folder does not exist.', {}), 'Writing out.svg failed: its folder does not exist.', 'Writing out.svg failed'],
  [
    'UnknownFormatError (a folder of several recordings)',
    new UnknownFormatError("the folder 'all'", [], { hints: [{ kind: 'text', text: 'Load one of them by its path.' }, { kind: 'command', command: 'scan', args: ['/data/all'], why: 'to list every recording under this folder', text: '' }], listTried: false }),
    "Could not recognise the folder 'all'. Load one of them by its path. Run 'spikes scan /data/all' to list every recording under this folder.",
    "Could not recognise the folder 'all'. Load one of them by its path.",
  ],
]

describe('errors written for the command line', () => {
  it.each(CASES)('%s', (_, error, cli, library) => {
    const text = cliMessage(error, CONTEXT)
    expect(text).toContain(cli)
    expect(text).not.toMatch(/Pass \{|\{ options:|: true\b(?!.*')/)
    expect(error.message).toContain(library)
    expect(JSON.parse(JSON.stringify(error)).details.hints ?? []).toEqual(error.hints)
  })

  it('covers every error class the core exports', async () => {
    const core = await import('@spikes/core')
    const classes = Object.entries(core).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error).map(([k]) => k)
    const tested = new Set(CASES.map(([name]) => name.split(' ')[0]))
    expect(classes.filter((c) => c !== 'DetectionError' && !tested.has(c))).toEqual([])
  })

  it("drops a hint that names a command this CLI lacks (spikes scan before it exists)", () => {
    const error = new UnknownFormatError("the folder 'all'", [], { hints: [{ kind: 'command', command: 'scan', args: ['/d'], why: 'to list them', text: '' }], listTried: false })
    expect(cliMessage(error, { commands: ['inspect'] })).toBe("Could not recognise the folder 'all'.")
  })
})

describe('the CLI on real inputs', () => {
  let ks: Awaited<ReturnType<typeof tempFolder>>
  beforeAll(async () => {
    ks = await tempFolder(kilosortFiles([30, 60], [0, 1]))
  })
  afterAll(() => ks.cleanup())

  it('a KiloSort folder without params.py shows the flag and the --options JSON for the sampling rate', async () => {
    const t = captureIo()
    expect(await main(['inspect', ks.path, '--json'], t.io)).toBe(1)
    expect(t.stderr()).toBe(
      "error[SPIKES_INVALID_ARGUMENT]: Missing fsHz: expected a positive sampling rate in Hz: timeUnit 'samples' needs one and the folder has no params.py. " +
        `Add --fsHz 30000 (or --options '{"fsHz": 30000}') with the recording's sampling rate in Hz (30000 is an example).\n`,
    )
    const doc = JSON.parse(t.stdout())
    expect(doc.error.hints).toEqual([{ kind: 'option', option: 'fsHz', example: 30000, why: "with the recording's sampling rate in Hz (30000 is an example)" }])
  })

  it('an unrecognised file says to add --format, not to pass { format }', async () => {
    const junk = await tempFolder({ 'junk.bin': 'not a recording' })
    try {
      const t = captureIo()
      expect(await main(['inspect', join(junk.path, 'junk.bin')], t.io)).toBe(1)
      expect(t.stderr()).toMatch(/^error\[SPIKES_UNKNOWN_FORMAT\]: Could not recognise the file 'junk.bin' .*Add --format <id> to force a loader\./)
      expect(t.stderr()).not.toContain('Pass {')
    } finally {
      await junk.cleanup()
    }
  })
})

import { InvalidArgumentError } from '@spikes/core'
import { checkOutputTarget, writeBytesSafely } from '@spikes/core/node'
import { basename, extname } from 'node:path'
import { checkKnownFlags, stringFlag, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { loadInput, printWarnings } from '../load-input.js'
import { rasterPng } from '../render/raster-png.js'
import { rasterSvg } from '../render/raster-svg.js'

export async function rasterCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['format', 'options', 'o', 'output', 'width', 'force'], 'raster')
  const output = stringFlag(args, 'o', 'output') ?? 'raster.svg'
  const ext = extname(output).toLowerCase()
  if (ext !== '.svg' && ext !== '.png') throw new InvalidArgumentError('-o', output, 'a file name ending in .svg or .png')
  const widthText = stringFlag(args, 'width')
  const width = widthText === undefined ? 1200 : Number(widthText)
  if (!Number.isInteger(width) || width < 300 || width > 8000) throw new InvalidArgumentError('--width', widthText, 'an integer from 300 to 8000 pixels')
  const safety = { overwrite: args.flags.force === true, inputs: [args.positional[0]] }
  await checkOutputTarget(output, safety)
  const loaded = await loadInput(args, io, args.positional[0])
  printWarnings(io, loaded.data)
  const title = `${basename(loaded.inputName.replace(/ \(bundled sample\)$/, ''))} — ${loaded.format}`
  await writeBytesSafely(output, ext === '.svg' ? rasterSvg(loaded.data, title, width) : rasterPng(loaded.data, width), safety)
  io.stderr.write(`wrote ${output} (${loaded.data.N} units, ${loaded.data.totalSpikes} spikes)\n`)
  return 0
}

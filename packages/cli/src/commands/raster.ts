import { InvalidArgumentError } from '@spikes/core'
import { formatNumber, unitTable, UNIT_ORDERS, type UnitOrder } from '@spikes/core/figures'
import { checkOutputTarget, writeBytesSafely } from '@spikes/core/node'
import { basename, extname } from 'node:path'
import { loadInput, printWarnings, withLoadFlags, type LoadFlags } from '../load-input.js'
import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'
import type { RasterOptions } from '../render/layout.js'

interface RasterFlags extends LoadFlags {
  output: string
  force?: boolean
  width: string
  order: string
  from?: string
  to?: string
  binSizeMs?: string
}

export const rasterCommand: CommandBuilder = (program, context) =>
  withLoadFlags(
    program
      .command('raster')
      .description('draw a raster plot (SVG or PNG): spikes per unit over time, with the mean firing rate above')
      .argument('[input]', 'file, folder or URL; none: the bundled sample')
      .option('-o, --output <file>', 'the picture to write, .svg or .png (an existing file is kept unless --force)', 'raster.svg')
      .option('--force', 'replace an existing picture')
      .option('--width <px>', 'width in pixels, 300 to 8000', '1200')
      .option('--order <by>', `unit order: ${UNIT_ORDERS.join(', ')} (depth and electrode when the loader gives them; rate: highest first)`, 'id')
      .option('--from <s>', 'window start, seconds on the recording clock (default: its start)')
      .option('--to <s>', 'window end, seconds (default: the recording end)')
      .option('--bin-size-ms <ms>', "width of the rate panel's bins in ms (SpikeLab's raster_bin_size_ms; default: about 200 bins)"),
    context,
  )
    .addHelpText(
      'after',
      examples([
        ['spikes raster -o sample.png', 'the bundled sample'],
        ['spikes raster session.nwb -o raster.svg --order depth', 'units by depth along the probe'],
        ['spikes raster sorting/ --fsHz 30000 --from 10 --to 20 -o zoom.png', 'ten seconds of a KiloSort folder'],
        ['spikes raster session.nwb --order rate --bin-size-ms 50', 'busiest units first, 50 ms rate bins'],
      ]),
    )
    .action(async (input: string | undefined, flags: RasterFlags) => {
      const output = flags.output
      const ext = extname(output).toLowerCase()
      if (ext !== '.svg' && ext !== '.png') throw new InvalidArgumentError('-o', output, 'a file name ending in .svg or .png')
      const options = rasterOptions(flags)
      const safety = { overwrite: flags.force === true, inputs: [input] }
      await checkOutputTarget(output, safety)
      const loaded = await loadInput(context, input, flags)
      printWarnings(context, loaded.data)
      checkWindow(loaded.data, options, flags)
      const order = availableOrder(loaded.data, options.order)
      if (order !== options.order) {
        context.io.stderr.write(`warning[SPIKES_WARN_RASTER_ORDER_UNAVAILABLE]: No unit has ${options.order === 'depth' ? 'a depth (a depth attribute or a location)' : 'an electrode'}, so the units are drawn in id order, not by ${options.order}.\n`)
        options.order = order
      }
      const title = { input: basename(loaded.inputName.replace(/ \(bundled sample\)$/, '')), format: loaded.format }
      // The renderers (font, PNG encoder) are imported by this command alone, when it draws.
      const picture = ext === '.svg' ? (await import('../render/raster-svg.js')).rasterSvg(loaded.data, title, options) : (await import('../render/raster-png.js')).rasterPng(loaded.data, title, options)
      await writeBytesSafely(output, picture, safety)
      context.io.stderr.write(`wrote ${output} (${loaded.data.N} units, ${loaded.data.totalSpikes} spikes)\n`)
    })

/** The asked order, or 'id' when it is by depth or electrode and no unit has one (the caption must not claim it). */
function availableOrder(sd: Parameters<typeof unitTable>[0], order: UnitOrder | undefined): UnitOrder | undefined {
  if (order !== 'depth' && order !== 'electrode') return order
  return unitTable(sd).some((row) => row[order] !== undefined) ? order : 'id'
}

/** --from and --to inside the recording's window, said in the flags' own unit. */
function checkWindow(sd: { startTimeMs: number; lengthMs: number }, options: RasterOptions, flags: RasterFlags): void {
  const start = sd.startTimeMs
  const end = sd.startTimeMs + sd.lengthMs
  const within = `a time in seconds within the recording, ${formatNumber(start / 1000)} to ${formatNumber(end / 1000)} s`
  if (options.fromMs !== undefined && (options.fromMs < start || options.fromMs >= end)) throw new InvalidArgumentError('--from', flags.from, within)
  if (options.toMs !== undefined && (options.toMs <= (options.fromMs ?? start) || options.toMs > end)) throw new InvalidArgumentError('--to', flags.to, within)
}

/** The flags as RasterOptions, each checked before anything is loaded. */
function rasterOptions(flags: RasterFlags): RasterOptions {
  const width = Number(flags.width)
  if (!Number.isInteger(width) || width < 300 || width > 8000) throw new InvalidArgumentError('--width', flags.width, 'an integer from 300 to 8000 pixels')
  if (!(UNIT_ORDERS as readonly string[]).includes(flags.order)) throw new InvalidArgumentError('--order', flags.order, `one of ${UNIT_ORDERS.join(', ')}`)
  const seconds = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(name, text, 'a time in seconds')
    return value * 1000
  }
  const fromMs = seconds('--from', flags.from)
  const toMs = seconds('--to', flags.to)
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new InvalidArgumentError('--to', flags.to, `a time after --from (${flags.from} s)`)
  let binMs: number | undefined
  if (flags.binSizeMs !== undefined) {
    binMs = Number(flags.binSizeMs)
    if (!(binMs > 0) || !Number.isFinite(binMs)) throw new InvalidArgumentError('--bin-size-ms', flags.binSizeMs, 'a positive number of milliseconds')
  }
  return { width, order: flags.order as UnitOrder, fromMs, toMs, binMs }
}

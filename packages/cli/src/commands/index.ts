import type { CommandBuilder } from '../main.js'
import { convertCommand } from './convert.js'
import { dandiCommand } from './dandi.js'
import { formatsCommand } from './formats.js'
import { iblCommand } from './ibl.js'
import { inspectCommand } from './inspect.js'
import { loadCommand } from './load.js'
import { rasterCommand } from './raster.js'
import { scanCommand } from './scan.js'

/** The commands of `spikes`, in the order --help lists them. A new command is one file and one line here. */
export const COMMANDS: readonly CommandBuilder[] = [inspectCommand, loadCommand, rasterCommand, convertCommand, formatsCommand, dandiCommand, iblCommand, scanCommand]

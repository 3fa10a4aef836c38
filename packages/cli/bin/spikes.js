#!/usr/bin/env node
import { main } from '../dist/main.js'

// A reader that stops early (`spikes load x --json | head`) closes the pipe: stop quietly, as Unix tools do.
// Any other failure to write standard output (a full disk) is reported once.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') process.stderr.write(`error[SPIKES_WRITE_FAILED]: could not write to standard output: ${error.message}\n`)
  process.exit(error.code === 'EPIPE' ? 0 : 1)
})

// Standard error carries only diagnostics (warnings, progress): when its reader goes away (`spikes scan /data -o
// out 2>&1 | head -3`), the work goes on without them rather than dying with the scan half done.
process.stderr.on('error', (error) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error
})

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })

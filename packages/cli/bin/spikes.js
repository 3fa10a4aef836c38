#!/usr/bin/env node
import { main } from '../dist/main.js'

// A reader that stops early (`spikes load x --json | head`) closes the pipe: stop quietly, as Unix tools do.
// Any other failure to write standard output (a full disk) is reported once.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') process.stderr.write(`error[SPIKES_WRITE_FAILED]: could not write to standard output: ${error.message}\n`)
  process.exit(error.code === 'EPIPE' ? 0 : 1)
})

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })

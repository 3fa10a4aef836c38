#!/usr/bin/env node
import { main } from '../dist/main.js'

// A reader that stops early (spikes scan /data | head -1) closes the pipe: end quietly rather than die on an
// unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 0)
  })
}

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
